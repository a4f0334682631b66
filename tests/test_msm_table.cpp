// The extracted table must be exactly what the MSM machine does, row by row.
#include <doctest/doctest.h>

#include <set>

#include "orphancheck/model/close_path.hpp"
#include "orphancheck/model/row_effects.hpp"
#include "orphancheck/model/socket_table.hpp"

using namespace orphancheck::model;

namespace {
// The same list row_has_effect reads (patch files refuse dropping an effect a row never has).
const std::vector<SysctlConfig>& configs() { return row_coverage_configs(); }
}  // namespace

TEST_CASE("extracted table agrees with MSM on every local, event and guard input") {
    for (const SysctlConfig& cfg : configs()) {
        const SocketTable t = SocketTable::extract(cfg, {}, kOtherRoles);
        MsmClosePath msm(cfg);
        std::size_t checked = 0, enabled = 0;
        for (std::uint16_t i = 0; i < t.size(); ++i) {
            for (int ev = 0; ev < kEvents; ++ev) {
                for (int g = 0; g < kGuardInputCombos; ++g) {
                    const GuardInputs in = GuardInputs::from_index(g);
                    const StepResult r = msm.fire(t.local(i), EventId(ev), in);
                    const auto& e = t.at(i, EventId(ev), in);
                    ++checked;
                    REQUIRE(r.enabled == (e.next != SocketTable::kDisabled));
                    if (!r.enabled) continue;
                    ++enabled;
                    CHECK(r.next == t.local(e.next));
                    CHECK(r.effects == e.effects);
                    CHECK(r.row == e.row);
                }
            }
        }
        CHECK(checked == t.size() * kEvents * kGuardInputCombos);
        CHECK(enabled > 100);
    }
}

TEST_CASE("every row of the MSM table is reachable in some configuration") {
    std::set<RowId> seen;
    for (const SysctlConfig& cfg : configs()) {
        const SocketTable t = SocketTable::extract(cfg, {}, kOtherRoles);
        for (std::uint16_t i = 0; i < t.size(); ++i)
            for (int ev = 0; ev < kEvents; ++ev)
                for (int g = 0; g < kGuardInputCombos; ++g) {
                    const auto& e = t.at(i, EventId(ev), GuardInputs::from_index(g));
                    if (e.next != SocketTable::kDisabled) seen.insert(e.row);
                }
    }
    for (int r = 0; r < kRows; ++r) {
        INFO("row " << row_name(RowId(r)));
        CHECK(seen.count(RowId(r)) == 1);
    }
}

TEST_CASE("the static description of the MSM table names every row once and matches extraction") {
    const auto& rows = describe_table();
    REQUIRE(rows.size() == std::size_t(kRows));
    std::set<RowId> ids;
    for (const auto& d : rows) ids.insert(d.row);
    CHECK(ids.size() == std::size_t(kRows));
    const SocketTable t = SocketTable::extract({120, 0, 1, 1, false});
    for (std::uint16_t i = 0; i < t.size(); ++i)
        for (int ev = 0; ev < kEvents; ++ev)
            for (int g = 0; g < kGuardInputCombos; ++g) {
                const auto& e = t.at(i, EventId(ev), GuardInputs::from_index(g));
                if (e.next == SocketTable::kDisabled) continue;
                const auto& d = rows[std::size_t(e.row)];
                REQUIRE(d.row == e.row);
                CHECK(d.source == t.local(i).state);
                CHECK(d.target == t.local(e.next).state);
            }
    CHECK(rows[std::size_t(RowId::keepalive_rst)].guard.find("linger2_negative || !fin_time_long") != std::string::npos);
}

TEST_CASE("a materialised machine keeps its state: copies go through const&") {
    MsmClosePath msm({60, 1, 1, 1, false});
    const LocalKey est = msm.initial();
    CHECK(est.state == TcpState::established);
    const StepResult closed = msm.fire(est, close_event({}), {});
    REQUIRE(closed.enabled);
    CHECK(closed.next.state == TcpState::fin_wait1);
    CHECK(closed.row == RowId::close_fin);
    // A machine copied in FIN_WAIT1 must not accept close() again (a reset copy would be ESTABLISHED).
    CHECK_FALSE(msm.fire(closed.next, close_event({}), {}).enabled);
    const StepResult tail = msm.fire(closed.next, event_of(EventKind::close_tail), {});
    REQUIRE(tail.enabled);
    CHECK(tail.next.state == TcpState::fin_wait1);
    CHECK(tail.effects.count(Effect::orphan_inc) == 1);
    // Firing the same local twice gives the same answer.
    CHECK(msm.fire(closed.next, event_of(EventKind::close_tail), {}).next == tail.next);
}

TEST_CASE("orphan retries: 0 means 8, the budget is bounded by RTO_MAX") {
    SysctlConfig c;
    c.orphan_retries = 0;
    CHECK(c.effective_orphan_retries() == 8);
    CHECK(c.may_kill_after() == 8);
    CHECK(c.must_kill_after() == 9);
    c.orphan_retries = 1;
    CHECK(c.may_kill_after() == 1);
    CHECK(c.must_kill_after() == 2);
    c.orphan_retries = 200;
    CHECK(c.may_kill_after() == KernelOptions{}.retransmits_until_rto_max);
    CHECK(c.must_kill_after() == KernelOptions{}.retransmits_until_rto_max);
}

TEST_CASE("TCP_USER_TIMEOUT replaces the orphan retries: the expiry whose elapsed time reaches it") {
    SysctlConfig c;
    c.orphan_retries = 0;  // 8: killed at the 9th expiry without a user timeout
    c.user_timeout_ms = 1000;
    // RTO 200 ms: 0.4 s after the first retransmission the 2nd expiry, 1.2 s the 3rd (clamped to 1 s).
    CHECK(c.may_kill_after() == 2);
    CHECK(c.must_kill_after() == 2);
    c.orphan_retries = 1;  // 2 at most without it
    c.user_timeout_ms = 3000;
    CHECK(c.may_kill_after() == 3);   // RTO 400 ms: 5.6 s at the 4th expiry
    CHECK(c.must_kill_after() == 4);  // RTO 200 ms: 2.8 s at the 4th, 6.0 s (clamped to 3 s) at the 5th
    c.user_timeout_ms = 600'000;      // past RTO_MAX the RTO stays at 120 s: no "alive" cut-off
    CHECK(c.must_kill_after() > KernelOptions{}.retransmits_until_rto_max);
    CHECK(c.describe().find("TCP_USER_TIMEOUT=600000ms") != std::string::npos);
}

TEST_CASE("patches edit rows by name: remove, drop and add effects, retarget") {
    const SysctlConfig cfg{60, 1, 1, 1, false};
    MsmClosePath msm(cfg);
    const LocalKey est = msm.initial();
    const EventId close = close_event({});

    TablePatch remove{"remove", {{RowEdit::Kind::remove_row, RowId::close_fin}}};
    CHECK_FALSE(patched_step(msm, remove, est, close, {}).enabled);

    const LocalKey fw1 = msm.fire(est, close, {}).next;
    const EventId tail = event_of(EventKind::close_tail);
    TablePatch drop{"drop", {{RowEdit::Kind::drop_effect, RowId::tail_fin_wait1, Effect::orphan_inc}}};
    CHECK(patched_step(msm, drop, fw1, tail, {}).effects.count(Effect::orphan_inc) == 0);
    TablePatch add{"add", {{RowEdit::Kind::add_effect, RowId::tail_fin_wait1, Effect::orphan_inc}}};
    CHECK(patched_step(msm, add, fw1, tail, {}).effects.count(Effect::orphan_inc) == 2);

    TablePatch retarget{"retarget", {{RowEdit::Kind::retarget, RowId::close_fin, Effect::orphan_inc, TcpState::last_ack}}};
    const SocketTable t = SocketTable::extract(cfg, retarget);
    const auto& e = t.at(0, close, {});
    REQUIRE(e.next != SocketTable::kDisabled);
    CHECK(t.local(e.next).state == TcpState::last_ack);
    CHECK_FALSE(retarget.describe().empty());
}
