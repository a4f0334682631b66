// What one exploration covers: how many sockets, under which kernel
// configurations, with which socket options and peer behaviours.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "orphancheck/model/config.hpp"
#include "orphancheck/model/events.hpp"
#include "orphancheck/model/local.hpp"
#include "orphancheck/model/slot_role.hpp"
#include "orphancheck/model/table_patch.hpp"
#include "orphancheck/properties/property.hpp"

namespace orphancheck::checker {

// What the peer and the network may do (all of it nondeterministically).
struct PeerConfig {
    bool fin = true;   // the peer closes its side (FIN, retransmitted until delivered or dropped)
    bool rst = true;   // the peer aborts (RST)
    bool data = true;  // the peer sends data after our close()
    bool loss = true;  // any in-flight segment, in either direction, may be lost
    bool abort = false;  // an administrator may run tcp_abort (ss -K) on any socket at any time
    bool operator==(const PeerConfig&) const = default;
};

// One kernel configuration: sysctls are global to the run; every socket picks
// one of `close_events` (its SO_LINGER / TCP_LINGER2 / unread-data situation).
struct CaseConfig {
    model::SysctlConfig sysctl;
    PeerConfig peer;
    std::vector<model::EventId> close_events;
    // shutdown(SHUT_WR) before close() (--shutdown): `shutdown_first` lets the application shut the sending side
    // down first, with a FIN for each peer window of close_events; `close_first` lets it close() an open
    // (ESTABLISHED/CLOSE_WAIT) socket without that. At least one of them is set.
    bool shutdown_first = false;
    bool close_first = true;
    // Whether the application may call `ev` (a close() variant or a shutdown() call) on a socket in `local`:
    // close-progress demands that every such call is accepted there.
    [[nodiscard]] bool may_call(model::EventId ev, const model::LocalKey& local) const;
    // tcp_max_orphans and tcp_max_tw_buckets as given, where a value above the socket count (never reached) was
    // folded into one that stands for all of them (sysctl holds the folded value; -1: as in sysctl).
    int given_max_orphans = -1, given_max_tw_buckets = -1;
    [[nodiscard]] std::string describe() const;          // the sysctls, the limits as given
    [[nodiscard]] std::string describe_closes() const;   // "SO_LINGER {off,0} x TCP_LINGER2 {...} x unread {...}"
};

enum class Engine : std::uint8_t { table, msm };
// How visited states are stored (see the README): exactly, as 64-bit fingerprints, or as bits.
enum class StoreKind : std::uint8_t { full, compact, bitstate };

// --memory-limit auto: this share of MemAvailable when the run starts.
inline constexpr int kAutoMemoryLimitPercent = 80;

// How eventually-destroyed is decided (README, "Liveness at scale"): a fair-cycle search over the whole state
// graph, or each socket alone where no socket can see another; automatic: the second where it applies.
enum class LivenessMethod : std::uint8_t { automatic, global, compositional };

class Cluster;

struct ExploreSpec {
    std::string profile{model::kDefaultProfile};  // kernel profile the cases' KernelOptions come from
    int sockets = 2;  // every socket of the run, whatever its role
    // The role of each socket (the open connections, then with --listener yes the listener, its queued children
    // and its request sockets, then the --connecting sockets); empty: every socket is an open connection.
    std::vector<model::SlotRole> roles;
    [[nodiscard]] model::SlotRole role_of(int s) const {
        return roles.empty() ? model::SlotRole::socket : roles[std::size_t(s)];
    }
    std::vector<CaseConfig> cases;  // each case is a separate initial state
    Engine engine = Engine::table;
    model::TablePatch patch;
    properties::PropertyMask properties = ~properties::PropertyMask(0);
    std::uint64_t max_states = 0;  // 0: unlimited
    double time_limit_seconds = 0;  // 0: unlimited
    std::uint64_t memory_limit_bytes = 0;  // 0: unlimited; the visited store and the liveness arrays
    std::uint64_t memory_available_bytes = 0;  // when the limit was derived from MemAvailable: what it was
    // Progress on stderr every `interval_seconds`: a line rewritten in place (a terminal) or one log line each
    // time (a file, a CI log); what it says is observed (states, rate over the last interval, memory against
    // the limit), never an estimate of the end.
    struct Progress {
        bool on = false;
        bool in_place = true;
        double interval_seconds = 1;
    } progress;
    // Symmetry reduction: sockets are interchangeable (they share every configuration choice), so a
    // global state is stored once per permutation class, with its per-socket parts sorted.
    bool symmetry = false;
    StoreKind store = StoreKind::full;
    // Partial-order reduction (table engine, safety properties only): in a state where some socket's
    // moves are all independent of the other sockets and invisible to the properties
    // (SocketSpace::independent), only that socket moves, unless one of its moves closes a cycle of
    // its configurations (SocketSpace::closes_cycle: the cycle proviso). Graphs, socket-move
    // collection and the MSM engine run without it.
    bool por = false;
    LivenessMethod liveness = LivenessMethod::global;
    // Threads of the breadth-first pass (the store is split by hash into one shard per thread).
    // Only the table engine runs threaded; graphs, socket moves and the MSM engine use one.
    int threads = 1;
    // The breadth-first pass records the graph's edges for the liveness pass when memory allows (full store);
    // false makes the liveness pass regenerate every state's successors (tests and benchmarks compare the two).
    bool record_edges = true;
    std::uint64_t bitstate_bytes = 256ull << 20;  // size of the bit array of StoreKind::bitstate
    bool collect_socket_moves = false;  // fill ExploreResult::socket_moves (table engine)
    // The processes the search runs across (mpirun), or nullptr: one process. With more than one rank each
    // owns the states whose hash names it (the store's shard split, one shard per rank) and runs one thread.
    Cluster* cluster = nullptr;
};

inline constexpr int kMaxSockets = 14;

// "2 sockets ESTABLISHED", or with a listener "1 socket ESTABLISHED, a listener in LISTEN, 2 children in its
// accept queue, 1 request socket in NEW_SYN_RECV".
[[nodiscard]] std::string describe_roles(const std::vector<model::SlotRole>& roles, int sockets);
inline constexpr std::uint64_t kMinMemoryLimit = 16ull << 20;  // what a run needs to start

}  // namespace orphancheck::checker
