// Every property has a deliberately broken close path that violates it
// with a counterexample, while the unbroken model satisfies it in the same
// configuration: a property nothing can violate proves nothing.
#include <doctest/doctest.h>

#include "helpers.hpp"

using namespace orphancheck;
using model::Effect;
using model::RowEdit;
using model::RowId;
using properties::PropertyId;

namespace {
RowEdit drop(RowId r, Effect e) { return {RowEdit::Kind::drop_effect, r, e}; }
RowEdit add(RowId r, Effect e) { return {RowEdit::Kind::add_effect, r, e}; }

// Checks `p` holds on the real model and is violated by `patch`; returns the counterexample.
checker::Trace broken(const cli::OptionValues& opts, PropertyId p, const model::TablePatch& patch) {
    const std::string name(properties::info(p).name);
    auto spec = test::spec_of(opts, {name});
    const auto good = checker::explore(spec);
    REQUIRE(good.verdict == checker::Verdict::pass);
    spec.patch = patch;
    const auto bad = checker::explore(spec);
    REQUIRE(bad.verdict == checker::Verdict::fail);
    const auto& r = test::result_of(bad, p);
    REQUIRE(r.status == checker::Status::violated);
    REQUIRE(r.counterexample.has_value());
    REQUIRE(r.counterexample->steps.size() >= 2);
    return *r.counterexample;
}

bool mentions(const checker::Trace& t, const std::string& row) {
    for (const auto& s : t.steps)
        if (s.rows.find(row) != std::string::npos) return true;
    return false;
}

const cli::OptionValues kOne = {{"sockets", "1"}, {"linger2", "all"}};
const cli::OptionValues kTwo = {{"sockets", "2"}, {"linger", "off"}, {"unread", "no"}, {"peer-data", "no"}};
}  // namespace

TEST_CASE("no-deadlock: tcp_time_wait overflow that skips tcp_done leaks the socket") {
    model::TablePatch p{"skip-tcp-done-on-tw-overflow", {}};
    for (RowId r : {RowId::ack_fin_wait1_tw_overflow, RowId::tail_fin_wait2_tw_overflow, RowId::fin_fin_wait2_tw_overflow,
                    RowId::ack_closing_tw_overflow, RowId::keepalive_tw_overflow}) {
        p.edits.push_back(drop(r, Effect::destroy));
        p.edits.push_back(drop(r, Effect::orphan_dec));
    }
    auto opts = kOne;
    opts["max-tw-buckets"] = "0";
    const auto t = broken(opts, PropertyId::no_deadlock, p);
    CHECK(t.steps.back().orphans == 1);
}

TEST_CASE("eventually-destroyed: without the keepalive RST fallback a FIN_WAIT2 orphan hangs") {
    model::TablePatch p{"no-keepalive-rst", {{RowEdit::Kind::remove_row, RowId::keepalive_rst}}};
    const auto t = broken(kOne, PropertyId::eventually_destroyed, p);
    CHECK(t.cycle_start == -1);  // a stuck state: only the peer could still move
    CHECK(t.steps.back().state.find("FIN_WAIT2") != std::string::npos);
}

TEST_CASE("eventually-destroyed: a cycle through timers is found as a lasso") {
    // Timewait buckets that expire into each other: the tw timer fires forever, nothing is freed.
    model::TablePatch p{"tw-expire-loops",
                        {{RowEdit::Kind::retarget, RowId::tw_time_wait_expire, Effect::orphan_inc,
                          model::TcpState::tw_fin_wait2},
                         {RowEdit::Kind::retarget, RowId::tw_fin_wait2_expire, Effect::orphan_inc,
                          model::TcpState::tw_time_wait}}};
    const auto t = broken(kOne, PropertyId::eventually_destroyed, p);
    REQUIRE(t.cycle_start >= 0);
    CHECK(std::size_t(t.cycle_start) < t.steps.size() - 1);
    CHECK(mentions(t, "_expire"));
}

TEST_CASE("orphan-balance: inet_csk_destroy_sock without the decrement") {
    model::TablePatch p{"no-decrement-in-destroy", {}};
    for (int r = 0; r < model::kRows; ++r) p.edits.push_back(drop(RowId(r), Effect::orphan_dec));
    const auto t = broken(kOne, PropertyId::orphan_balance, p);
    CHECK(t.steps.back().orphans == 1);
}

TEST_CASE("counter-never-negative: LAST_ACK completion decrements twice") {
    model::TablePatch p{"double-decrement", {add(RowId::ack_last_ack, Effect::orphan_dec)}};
    const auto t = broken(kOne, PropertyId::counter_never_negative, p);
    CHECK(t.steps.back().orphans < 0);
    CHECK(mentions(t, "ack_last_ack"));
}

TEST_CASE("single-increment: the orphan is counted twice at close") {
    model::TablePatch p{"double-increment", {add(RowId::tail_fin_wait1, Effect::orphan_inc)}};
    const auto t = broken(kOne, PropertyId::single_increment, p);
    CHECK(mentions(t, "tail_fin_wait1"));
}

TEST_CASE("single-decrement: destroyed twice (no C12 check)") {
    model::TablePatch p{"double-destroy", {add(RowId::tail_after_destroy, Effect::orphan_dec)}};
    const auto t = broken(kOne, PropertyId::single_decrement, p);
    CHECK(mentions(t, "tail_after_destroy"));
}

TEST_CASE("counter-zero-at-end: LAST_ACK completion forgets the decrement") {
    model::TablePatch p{"lost-decrement", {drop(RowId::ack_last_ack, Effect::orphan_dec)}};
    const auto t = broken(kTwo, PropertyId::counter_zero_at_end, p);
    CHECK(t.steps.back().orphans != 0);
}

TEST_CASE("orphan-classification: timewait hand-off that keeps counting the orphan") {
    model::TablePatch p{"tw-still-counted",
                        {drop(RowId::ack_fin_wait1_tw, Effect::destroy), drop(RowId::ack_fin_wait1_tw, Effect::orphan_dec)}};
    const auto t = broken(kOne, PropertyId::orphan_classification, p);
    CHECK(t.steps.back().state.find("TW(FIN_WAIT2)") != std::string::npos);
}
