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
    CHECK(t.note == "the last state breaks the rule: the counter is 1, and 0 sockets are counted orphans: expected the "
                    "two equal");
}

TEST_CASE("counter-never-negative: LAST_ACK completion decrements twice") {
    model::TablePatch p{"double-decrement", {add(RowId::ack_last_ack, Effect::orphan_dec)}};
    const auto t = broken(kOne, PropertyId::counter_never_negative, p);
    CHECK(t.steps.back().orphans < 0);
    CHECK(mentions(t, "ack_last_ack"));
    CHECK(t.note == "the last state breaks the rule: the counter is -1: expected never below 0");
}

TEST_CASE("single-increment: the orphan is counted twice at close") {
    model::TablePatch p{"double-increment", {add(RowId::tail_fin_wait1, Effect::orphan_inc)}};
    const auto t = broken(kOne, PropertyId::single_increment, p);
    CHECK(mentions(t, "tail_fin_wait1"));
    CHECK(t.note == "the last state breaks the rule: socket 0 was counted 2 times: expected once");
}

TEST_CASE("single-decrement: destroyed twice (no C12 check)") {
    model::TablePatch p{"double-destroy", {add(RowId::tail_after_destroy, Effect::orphan_dec)}};
    const auto t = broken(kOne, PropertyId::single_decrement, p);
    CHECK(mentions(t, "tail_after_destroy"));
    CHECK(t.note == "the last state breaks the rule: socket 0 was uncounted 2 times: expected once at most");
}

TEST_CASE("counter-zero-at-end: LAST_ACK completion forgets the decrement") {
    model::TablePatch p{"lost-decrement", {drop(RowId::ack_last_ack, Effect::orphan_dec)}};
    const auto t = broken(kTwo, PropertyId::counter_zero_at_end, p);
    CHECK(t.steps.back().orphans != 0);
    CHECK(t.note.find("nothing can move any more and the counter is ") != std::string::npos);
    CHECK(t.note.find(": expected 0") != std::string::npos);
}

TEST_CASE("orphan-classification: timewait hand-off that keeps counting the orphan") {
    model::TablePatch p{"tw-still-counted",
                        {drop(RowId::ack_fin_wait1_tw, Effect::destroy), drop(RowId::ack_fin_wait1_tw, Effect::orphan_dec)}};
    const auto t = broken(kOne, PropertyId::orphan_classification, p);
    CHECK(t.steps.back().state.find("TW(FIN_WAIT2)") != std::string::npos);
    CHECK(t.note == "the last state breaks the rule: socket 0 in TW(FIN_WAIT2): 1 increment, 0 decrements: expected a "
                    "bucket's socket counted and uncounted once and freed");
}

namespace {
RowEdit remove(RowId r) { return {RowEdit::Kind::remove_row, r}; }
RowEdit retarget(RowId r, model::TcpState s) { return {RowEdit::Kind::retarget, r, Effect::orphan_inc, s}; }
}  // namespace

TEST_CASE("rfc-transitions: an RST that leaves a FIN_WAIT1 orphan in FIN_WAIT2") {
    model::TablePatch p{"rst-to-fin-wait2", {retarget(RowId::rst_fin_wait1, model::TcpState::fin_wait2),
                                             drop(RowId::rst_fin_wait1, Effect::destroy),
                                             drop(RowId::rst_fin_wait1, Effect::orphan_dec)}};
    const auto t = broken(kOne, PropertyId::rfc_transitions, p);
    CHECK(mentions(t, "rst_fin_wait1"));
    CHECK(t.note == "the last step breaks the rule: FIN_WAIT1 may not become FIN_WAIT2 on this event: not a succession "
                    "the TCP specification allows");
    CHECK(t.steps.back().patched == "rst_fin_wait1: retarget to FIN_WAIT2; drop destroy; drop orphan_dec");
}

TEST_CASE("rst-discipline: close() with unread data that forgets the RST") {
    model::TablePatch p{"silent-unread-close", {drop(RowId::close_unread_rst, Effect::send_rst)}};
    const auto t = broken(kOne, PropertyId::rst_discipline, p);
    CHECK(mentions(t, "close_unread_rst"));
    // The last step says what the rule expected and what happened, and that its row is patched.
    CHECK(t.note == "the last step breaks the rule: an abortive path (ESTABLISHED -> CLOSE): expected an RST, none was sent");
    CHECK(t.steps.back().patched == "close_unread_rst: drop send_rst");
}

TEST_CASE("oom-kill: a retransmit timeout that ignores tcp_out_of_resources") {
    model::TablePatch p{"rto-ignores-oom", {retarget(RowId::rto_fin_wait1_oom, model::TcpState::fin_wait1),
                                            drop(RowId::rto_fin_wait1_oom, Effect::destroy),
                                            drop(RowId::rto_fin_wait1_oom, Effect::orphan_dec),
                                            drop(RowId::rto_fin_wait1_oom, Effect::send_rst)}};
    const auto t = broken({{"sockets", "1"}, {"max-orphans", "0"}}, PropertyId::oom_kill, p);
    CHECK(mentions(t, "rto_fin_wait1_oom"));
    CHECK(t.note.find("expected the orphan to be killed, it lives on in FIN_WAIT1") != std::string::npos);
}

TEST_CASE("tw-handoff: CLOSING acked frees the socket without the bucket it could have") {
    model::TablePatch p{"closing-no-bucket", {retarget(RowId::ack_closing_tw, model::TcpState::destroyed)}};
    const auto t = broken(kOne, PropertyId::tw_handoff, p);
    CHECK(mentions(t, "ack_closing_tw"));
    CHECK(t.note.find("expected the connection to go to a timewait bucket, it went to DESTROYED") != std::string::npos);
}

TEST_CASE("timer-armed: a FIN_WAIT1 orphan without retransmissions") {
    model::TablePatch p{"no-fin-retransmit", {remove(RowId::rto_fin_wait1)}};
    const auto t = broken(kOne, PropertyId::timer_armed, p);
    CHECK(t.steps.back().state.find("FIN_WAIT1 orphan") != std::string::npos);
    CHECK(t.note.find("the last state breaks the rule: socket 0 is FIN_WAIT1 orphan") == 0);
    CHECK(t.note.find(": expected the retransmit timer to be able to end it, no retransmit timer event (nor a loss "
                      "probe) can fire") != std::string::npos);
}

TEST_CASE("close-progress: close() that never releases the socket lock") {
    model::TablePatch p{"no-release", {remove(RowId::release_fin_wait1)}};
    const auto t = broken(kOne, PropertyId::close_progress, p);
    CHECK(t.steps.back().state.find("owned") != std::string::npos);
    CHECK(t.note.find(": close() still owns the socket, expected release_sock to run, it cannot") != std::string::npos);
}

TEST_CASE("abort-accepted: ss -K that ignores FIN_WAIT2 orphans") {
    model::TablePatch p{"abort-skips-fin-wait2", {remove(RowId::abort_fin_wait2)}};
    const auto t = broken({{"sockets", "1"}, {"abort", "yes"}}, PropertyId::abort_accepted, p);
    CHECK(t.steps.back().state.find("FIN_WAIT2") != std::string::npos);
    CHECK(t.note.find("the last state breaks the rule: socket 0 is FIN_WAIT2 orphan") == 0);
    CHECK(t.note.find("expected tcp_abort (ss -K) to answer it (kill, purge or refuse), it is not handled") !=
          std::string::npos);
}

TEST_CASE("a counterexample says when a patched row reaches DESTROYED without freeing the socket") {
    model::TablePatch p{"no-destroy", {drop(RowId::ack_last_ack, Effect::destroy), drop(RowId::ack_last_ack, Effect::orphan_dec)}};
    const auto t = broken(kOne, PropertyId::counter_zero_at_end, p);
    bool said = false;
    for (const auto& s : t.steps) said |= s.state.find("DESTROYED (never freed") != std::string::npos;
    CHECK(said);
}
