// What an exploration returns: statistics, per-property verdicts and
// counterexamples as concrete, replayable step lists.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "orphancheck/checker/spec.hpp"
#include "orphancheck/properties/property.hpp"

namespace orphancheck::checker {

struct TraceStep {
    std::string event;            // what happened, for people
    int socket = -1;              // -1: a global event (orphan cache refresh) or the initial state
    std::string kernel_function;  // kernel function(s) of the rows that fired
    std::string rows;             // stable row names
    std::string patched;          // the patch's edits of those rows ("close_unread_rst: drop send_rst"), if any
    std::string state;            // the socket's state after the step
    std::string network;          // the socket's in-flight segments / peer after the step
    int orphans = 0;              // tcp_orphan_count after the step
    int orphan_cache = 0;         // tcp_orphan_cache after the step
};

struct Trace {
    std::string config;  // the kernel configuration the path runs under
    std::vector<TraceStep> steps;  // steps[0] is the initial state
    int cycle_start = -1;  // for a lasso: index of the first step of the cycle
    std::vector<std::uint32_t> states;  // state index of every step (as in GraphState::index)
    std::string note;
};

enum class Status : std::uint8_t { holds, violated, unknown };
enum class Verdict : std::uint8_t { pass, fail, incomplete };

struct PropertyResult {
    properties::PropertyId id{};
    Status status = Status::unknown;
    std::optional<Trace> counterexample;
};

struct Stats {
    std::uint64_t states = 0;     // stored states (one per permutation class with symmetry reduction)
    double raw_states = 0;        // concrete states they stand for (= states without symmetry reduction)
    std::uint64_t ample_states = 0;  // states where the partial-order reduction moved one socket only
    std::uint64_t transitions = 0;
    std::uint32_t depth = 0;
    double seconds = 0;           // whole check
    double explore_seconds = 0;   // breadth-first search with the state invariants
    double liveness_seconds = 0;  // SCC pass for eventually-destroyed (or the per-socket runs deciding it)
    std::string liveness_method;  // how eventually-destroyed was decided; empty when it was not checked
    double states_per_second = 0;  // states / explore_seconds
    double bytes_per_state = 0;    // stored states + parents + hash table, per state
    std::uint64_t peak_rss_bytes = 0;
    StoreKind store = StoreKind::full;
    double collision_probability = 0;  // compact store: that two states shared a fingerprint
    double expected_omissions = 0;     // bitstate store: expected states wrongly taken as seen
    std::uint64_t socket_configs = 0;  // distinct per-socket configurations seen
    std::uint64_t table_locals = 0;    // locals of the extracted MSM table(s)
    std::uint64_t behaviour_fingerprint = 0;  // SocketSpace::behaviour_fingerprint summed over the cases
    int ranks = 1;                            // processes the search ran across (mpirun)
    std::uint64_t max_rank_store_bytes = 0;   // with ranks: the largest store a rank held
    std::uint64_t max_rank_peak_rss_bytes = 0;  // with ranks: the largest peak RSS of a rank
};

// One reached move of one socket, by local configuration (state + data bits).
struct LocalMove {
    std::uint32_t from = 0, to = 0;  // model::LocalKey::pack()
    std::uint8_t label = 0;          // checker Label (kernel event or environment event)
    auto operator<=>(const LocalMove&) const = default;
};

struct ExploreResult {
    Verdict verdict = Verdict::incomplete;
    std::string incomplete_reason;  // set when a limit stopped the run
    Stats stats;
    std::vector<PropertyResult> properties;
    std::vector<LocalMove> socket_moves;  // sorted, unique; only with ExploreSpec::collect_socket_moves
};

}  // namespace orphancheck::checker
