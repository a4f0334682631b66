// Non-template front of the Boost.MSM close-path machine. Only
// model/src/close_path_msm.cpp includes MSM headers; everything else steps
// the machine through this interface (one socket, one event at a time).
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "orphancheck/model/config.hpp"
#include "orphancheck/model/effects.hpp"
#include "orphancheck/model/events.hpp"
#include "orphancheck/model/local.hpp"
#include "orphancheck/model/rows.hpp"
#include "orphancheck/model/slot_role.hpp"

namespace orphancheck::model {

// Global facts a guard may read, computed by the explorer from the global state.
struct GuardInputs {
    bool oom = false;      // tcp_check_oom(): cached orphan count > tcp_max_orphans, or memory pressure
    bool tw_full = false;  // inet_twsk_alloc() refuses: tcp_max_tw_buckets reached
    [[nodiscard]] int index() const { return (oom ? 1 : 0) | (tw_full ? 2 : 0); }
    static GuardInputs from_index(int i) { return {(i & 1) != 0, (i & 2) != 0}; }
};
inline constexpr int kGuardInputCombos = 4;

struct GuardExpr;  // guard_expr.hpp
// A patch's guard edits as the machine reads them: per row, the expression that replaces its guard, or null.
struct GuardOverrides {
    std::array<const GuardExpr*, kRows> by_row{};
    RowId only = RowId::none;     // every other row's guard is false (patched_step's overlap check)
    RowId without = RowId::none;  // this row's guard is false (the same check)
};

struct StepResult {
    bool enabled = false;  // a row fired (HANDLED_TRUE)
    LocalKey next{};
    EffectList effects{};
    RowId row = RowId::none;
};

// One row of the MSM transition table, read off the row's types: the
// diagram and `orphancheck rows` are generated from the machine itself.
struct RowDescription {
    RowId row = RowId::none;
    TcpState source{};
    EventKind event{};
    TcpState target{};
    std::string guard;    // e.g. "dead && !linger2_negative && fin_time_long"
    std::string actions;  // e.g. "reset_keepalive_timer"
};
[[nodiscard]] const std::vector<RowDescription>& describe_table();
// The event kind whose rows the machine runs for k: some kinds share one event type and its rows (rx_fin_ack is
// rx_ack with the FIN flag set, listen_stop_end_busy is listen_stop_end with the queue busy).
[[nodiscard]] EventKind dispatched_as(EventKind k);

// The socket data as the machine leaves it on entering state `s` with data `d` (the state's on_entry): what a
// patch's retarget into `s` starts from.
[[nodiscard]] SockData entered_data(TcpState s, SockData d);

// Whether `guard` holds for a socket in `from` on event `ev` (a patch's added row: the same named conditions the
// table's guards read, on the event as the machine would receive it).
[[nodiscard]] bool guard_holds(const GuardExpr& guard, const LocalKey& from, EventId ev, GuardInputs in,
                               const SysctlConfig& cfg);

// Runs real MSM machines. It keeps one prototype machine per TCP state it has
// seen and materialises a local by copying that prototype (from a const
// reference: see msm-feasibility 1.3) and writing the data members.
class MsmClosePath {
public:
    explicit MsmClosePath(const SysctlConfig& cfg);
    ~MsmClosePath();
    MsmClosePath(const MsmClosePath&) = delete;
    MsmClosePath& operator=(const MsmClosePath&) = delete;

    [[nodiscard]] LocalKey initial() const;  // an open connection; the other roles start at initial_local(role)
    // Fires `ev` on a machine in configuration `from`, with a patch's guard edits if any. Throws PatchError if
    // no machine in from.state has been seen yet (only a patch's retarget gets there).
    StepResult fire(const LocalKey& from, EventId ev, GuardInputs in, const GuardOverrides* guards = nullptr);
    [[nodiscard]] bool can_materialise(TcpState s) const;
    [[nodiscard]] const SysctlConfig& config() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace orphancheck::model
