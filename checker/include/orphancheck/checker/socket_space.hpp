// All configurations one socket (with its peer and network) can be in
// under one CaseConfig, discovered lazily and numbered, with their moves.
// The explorer packs a socket as this 16-bit number. The table engine
// memoises the moves; the MSM engine recomputes them by running MSM
// machines every time.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "orphancheck/checker/env.hpp"
#include "orphancheck/checker/result.hpp"
#include "orphancheck/checker/spec.hpp"
#include "orphancheck/model/close_path.hpp"
#include "orphancheck/model/socket_table.hpp"
#include "orphancheck/properties/socket_view.hpp"
#include "orphancheck/properties/step_view.hpp"

namespace orphancheck::checker {

using Combo = std::uint16_t;

// Label of a per-socket move: a kernel event fired directly (close, timers,
// ...) or an environment event (segment delivered or lost, peer action).
using Label = std::uint8_t;
[[nodiscard]] inline Label kernel_label(model::EventId e) { return Label(e); }
[[nodiscard]] inline Label env_label(EnvEvent e) { return Label(model::kEvents + int(e)); }
[[nodiscard]] inline bool is_env_label(Label l) { return l >= model::kEvents; }
[[nodiscard]] std::string label_name(Label l);
[[nodiscard]] model::Fairness label_fairness(Label l);
[[nodiscard]] model::Timing label_timing(Label l);  // from the event's descriptor

struct SockMove {
    Combo next;
    std::int8_t delta;  // orphan counter change
    Label label;
    model::RowId row1 = model::RowId::none;  // kernel rows that fired (a FIN+ACK fires two)
    model::RowId row2 = model::RowId::none;
    properties::PropertyMask violates = 0;  // step properties (rfc-transitions, ...) this move breaks
    bool operator==(const SockMove&) const = default;
};

// Where the run's listener is (--listener yes): bits 2-3 of a guard-input index. Without a listener it is
// always `listening`, so a run without one has the four guard inputs of the table alone.
enum class ListenerPhase : std::uint8_t {
    listening,       // in LISTEN (or no listener at all)
    stopping_busy,   // its close() runs inet_csk_listen_stop and some child is still queued or being forgotten
    stopping_empty,  // its close() runs inet_csk_listen_stop, nothing queued any more
    closed,          // past inet_csk_listen_stop
};
inline constexpr int kListenerPhases = 4;
inline constexpr int kGins = model::kGuardInputCombos * kListenerPhases;  // guard-input indices of a socket space
// What one socket tells about the listener phase (SocketSpace::listener_bits), OR-ed over the sockets.
namespace listener_bit {
inline constexpr std::uint8_t listen = 1, stopping = 2, queued = 4;
}
[[nodiscard]] inline ListenerPhase phase_of(int gin) { return ListenerPhase(gin / model::kGuardInputCombos); }

// The guard inputs under `sys` of a global state whose orphan cache is `cache`, whose sockets hold `buckets`
// timewait buckets and whose listener is in `phase` (SocketSpace::guard_index).
[[nodiscard]] int guard_index_of(const model::SysctlConfig& sys, int cache, int buckets,
                                 ListenerPhase phase = ListenerPhase::listening);

// tcp_orphan_update: the cached count takes the counter's value, clamped to 0..255.
[[nodiscard]] inline int refreshed_cache(int counter) { return counter < 0 ? 0 : counter > 255 ? 255 : counter; }
// Only a patched model counts beyond this: it has no finite state space, and a run that meets it is incomplete.
inline constexpr int kCounterLimit = 100;

class SocketSpace {
public:
    // `roles`: the roles of the run's sockets (empty: every socket an open connection).
    SocketSpace(const CaseConfig& c, Engine engine, const model::TablePatch& patch,
                std::span<const model::SlotRole> roles = {});
    ~SocketSpace();
    SocketSpace(SocketSpace&&) noexcept;

    [[nodiscard]] Combo initial() const { return 0; }  // an open connection
    [[nodiscard]] Combo initial(model::SlotRole r) const { return initial_[std::size_t(r)]; }
    [[nodiscard]] bool has_listener() const { return has_listener_; }
    // Moves of a socket in `c` when the global guard inputs are `gin`.
    std::span<const SockMove> moves(Combo c, int gin);
    // What the step properties saw of moves(c, gin)[i] (nullopt for a network move the kernel never saw): to say
    // why a counterexample's last step breaks a rule.
    [[nodiscard]] std::optional<properties::StepView> step_view(Combo c, int gin, std::size_t i);
    // Which events a socket in `c` accepts under `gin` (what timer-armed, close-progress and abort-accepted
    // judge): to say why a counterexample's last state breaks one of them.
    [[nodiscard]] properties::EnabledView enabled_view(Combo c, int gin);
    // Bit k set: a move of fairness class k+1 (app, rto, keepalive, tw) is enabled.
    std::uint8_t fair_mask(Combo c, int gin);
    // Per-socket state properties (timer-armed, close-progress) broken in `c` under `gin`.
    properties::PropertyMask state_violations(Combo c, int gin);
    // The guard inputs guard_index gives for any orphan cache (0..255), any number of timewait buckets held
    // by `sockets` sockets and (with a listener) any listener phase, ascending.
    [[nodiscard]] std::vector<int> guard_inputs(int sockets) const;
    // Computes the moves of every configuration reachable from the initial one under those
    // guard inputs, until no new configuration appears (table engine): afterwards moves() and
    // the other lookups only read, and may run on several threads at once.
    void complete(int sockets);
    // After complete(): every move of a socket in `c` is the same under every guard input; changes
    // the orphan counter only if no guard reads the cache, and its timewait bucket only if no guard
    // reads the bucket count; moves the counter by exactly what it moves the socket's share of it
    // (so the balance the invariants compare stays), keeps its own invariant bits and per-socket
    // state properties, and breaks no step property. Such moves commute with every move of the other
    // sockets (counter additions commute) and no property sees them, so the partial-order reduction
    // may take them alone (an ample set). counter-never-negative is the exception: see Search::run.
    [[nodiscard]] bool independent(Combo c) const { return c < independent_.size() && independent_[c]; }
    // After complete(): whether any guard input depends on the orphan cache. When none does, the
    // cache is never observed and the partial-order reduction leaves it (and its refresh) out.
    [[nodiscard]] bool cache_read() const { return cache_read_; }
    // After complete(): whether a move of `c` is a back edge of a depth-first search of the socket's
    // moves (from its initial configuration). Every cycle of a socket's configurations has such an
    // edge, and so every cycle of global states has a move of one: the reduction's cycle proviso
    // expands fully where it would otherwise take one alone.
    [[nodiscard]] bool closes_cycle(Combo c) const { return c >= closes_cycle_.size() || closes_cycle_[c]; }
    // Order-independent hash of every move computed so far (table engine): two
    // models whose explorations reach the same moves have the same fingerprint.
    [[nodiscard]] std::uint64_t behaviour_fingerprint() const;
    // Every move computed so far (table engine), by local configuration; appended unsorted.
    void local_moves(std::vector<LocalMove>& out) const;
    [[nodiscard]] const properties::SocketView& view(Combo c) const { return views_[c]; }
    [[nodiscard]] model::LocalKey local(Combo c) const { return model::LocalKey::unpack(combos_[c].local); }
    [[nodiscard]] std::uint16_t env_bits(Combo c) const { return combos_[c].env; }
    [[nodiscard]] bool holds_bucket(Combo c) const { return model::holds_tw_bucket(views_[c].state); }
    // listener_bit::listen / stopping when `c` is the listener in LISTEN / in inet_csk_listen_stop, queued
    // when it is a child still in the accept queue or being forgotten.
    [[nodiscard]] std::uint8_t listener_bits(Combo c) const { return lbits_[c]; }
    // The listener phase of a global state whose sockets' listener_bits OR to `bits`.
    [[nodiscard]] ListenerPhase listener_phase(std::uint8_t bits) const;
    // Guard inputs of a global state whose orphan cache is `cache`, whose sockets hold `buckets` timewait
    // buckets and whose listener is in `phase`: tcp_check_oom (cache > tcp_max_orphans, or memory pressure),
    // bucket exhaustion, and where the listener is.
    [[nodiscard]] int guard_index(int cache, int buckets, ListenerPhase phase = ListenerPhase::listening) const;
    [[nodiscard]] std::size_t size() const { return combos_.size(); }
    [[nodiscard]] const CaseConfig& config() const { return case_; }
    // Number of locals of the extracted table (0 for the MSM engine).
    [[nodiscard]] std::size_t table_locals() const;

private:
    struct ComboKey {
        std::uint32_t local;
        std::uint16_t env;
    };
    struct Builder;
    struct Memo {
        std::uint32_t begin = 0;
        std::uint16_t count = 0;
        std::uint8_t fair = 0;
        bool done = false;
        properties::PropertyMask violates = 0;
    };
    Combo intern(std::uint32_t local, std::uint16_t env);
    model::StepResult kernel(const model::LocalKey& from, model::EventId ev, model::GuardInputs in);
    // Appends the moves of `c` under `gin`; returns its state violations.
    properties::PropertyMask compute(Combo c, int gin, std::vector<SockMove>& out);
    static std::uint8_t fair_of(std::span<const SockMove> m);

    CaseConfig case_;
    Engine engine_;
    model::TablePatch patch_;
    std::unique_ptr<model::SocketTable> table_;
    std::unique_ptr<model::MsmClosePath> msm_;
    std::vector<ComboKey> combos_;
    std::vector<properties::SocketView> views_;
    std::unordered_map<std::uint64_t, Combo> index_;
    std::vector<Memo> memo_;           // table engine: per combo x gin
    std::vector<SockMove> memo_moves_;
    std::vector<SockMove> scratch_;    // msm engine
    properties::PropertyMask scratch_violates_ = 0;
    std::vector<std::uint8_t> lbits_;  // by combo: listener_bits
    std::array<Combo, model::kSlotRoles> initial_{};
    bool has_listener_ = false;
    int stride_ = model::kGuardInputCombos;  // memo_ entries per combo: the guard inputs the run can have
    std::vector<bool> independent_;  // by combo, filled by complete()
    std::vector<bool> closes_cycle_;  // by combo, filled by complete()
    bool cache_read_ = true;
    bool buckets_read_ = true;
};

}  // namespace orphancheck::checker
