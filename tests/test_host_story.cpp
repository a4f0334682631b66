// `orphancheck host` without a live kernel: what a socket read from inet_diag is in the model, why it is there
// and its remaining-life window, on synthetic readings (the live tests create the real situations).
#include <doctest/doctest.h>

#include "orphancheck/host/summary.hpp"

using namespace orphancheck;
using conform::DiagSocket;

namespace {
DiagSocket orphan(std::uint8_t state, std::uint8_t timer, std::uint32_t expires_ms, std::uint8_t retransmits = 0,
                  std::uint32_t rto_us = 204000) {
    DiagSocket s;
    s.state = state;
    s.timer = timer;
    s.expires_ms = expires_ms;
    s.retransmits = retransmits;
    s.info = conform::DiagTcpInfo{retransmits, 0, retransmits, rto_us, 65535, 1, 0};
    return s;
}
host::HostFacts hz250() {
    host::HostFacts f;
    f.max_orphans = 65536;
    f.clock.hz = {250};
    return f;
}
}  // namespace

TEST_CASE("host story: a FIN_WAIT1 orphan on the retransmit timer dies at the kill tcp_write_timeout decides") {
    // tcp_orphan_retries 2 (tcp_model_timeout 1.4 s), RTO 204 ms, after 2 retransmissions (RTO now 816 ms) with
    // its timer due in 0.5 s: the 3rd expiry (0.408 + 0.816 s after the first retransmission: 1.224 s < 1.4 s)
    // retransmits, the 4th (+1.632 s: 2.856 s) kills: 0.5 + 1.632 s from now.
    const host::NamespaceSysctls ns{60, 2, 1000, 15};
    const auto st = host::tell(orphan(conform::kFinWait1, conform::kRetransmitTimer, 500, 2, 816000), ns, hz250());
    CHECK(st.kind == host::SocketKind::orphan);
    CHECK(st.counted);
    CHECK(st.cause == "FIN not acknowledged");
    REQUIRE(st.orphan_left);
    REQUIRE(st.orphan_left->hi);
    CHECK(st.orphan_left->lo == doctest::Approx(0.5 + 1.632));
    CHECK(*st.orphan_left->hi > st.orphan_left->lo);
    CHECK(*st.orphan_left->hi < st.orphan_left->lo + 0.2);  // the timer wheel's rounding and a tick per expiry
    CHECK(st.model == "FIN_WAIT1 orphan retries=2");
    CHECK_FALSE(st.next_rows.empty());
    // Under tcp_check_oom the next expiry kills: at the timer, plus the wheel's lateness.
    auto oom = hz250();
    oom.oom_now = true;
    const auto killed = host::tell(orphan(conform::kFinWait1, conform::kRetransmitTimer, 500, 2, 816000), ns, oom);
    REQUIRE(killed.orphan_left);
    REQUIRE(killed.orphan_left->hi);
    CHECK(killed.orphan_left->lo == doctest::Approx(0.5));
    CHECK(*killed.orphan_left->hi < 0.6);
    CHECK(killed.next.find("tcp_check_oom") == 0);
    // Before any retransmission the pending timer may be the loss probe: the RTO expiry after it kills.
    const auto first = host::tell(orphan(conform::kFinWait1, conform::kRetransmitTimer, 100, 0, 204000), ns, oom);
    CHECK(first.orphan_left->lo == doctest::Approx(0.1));
    CHECK(*first.orphan_left->hi == doctest::Approx(0.1 + 0.204).epsilon(0.1));
}

TEST_CASE("host story: FIN_WAIT2 above 60 s, timewait buckets, open, listener and accept-queue sockets") {
    const host::NamespaceSysctls ns{120, 0, 1000, 15};
    const auto fw2 = host::tell(orphan(conform::kFinWait2, conform::kKeepaliveTimer, 59000), ns, hz250());
    CHECK(fw2.kind == host::SocketKind::orphan);
    CHECK(fw2.orphan_left->lo == doctest::Approx(59.0));
    CHECK(*fw2.gone_left->hi > 59.0 + 60);  // then a FIN_WAIT2 bucket for tcp_fin_timeout - 60 s
    CHECK(fw2.model == "FIN_WAIT2 orphan fin_time>60s");

    DiagSocket tw = orphan(conform::kTimeWait, conform::kTimewaitTimer, 30000);
    tw.info.reset();
    const auto bucket = host::tell(tw, ns, hz250());
    CHECK(bucket.kind == host::SocketKind::timewait_bucket);
    CHECK_FALSE(bucket.counted);
    CHECK(bucket.gone_left->lo == doctest::Approx(30.0));

    DiagSocket open = orphan(conform::kFinWait2, conform::kNoTimer, 0);
    open.inode = 4242;
    CHECK(host::tell(open, ns, hz250()).kind == host::SocketKind::open);
    DiagSocket child = orphan(conform::kEstablished, conform::kNoTimer, 0);
    CHECK(host::tell(child, ns, hz250()).kind == host::SocketKind::outside);  // no file yet: a listener's child
    DiagSocket l = orphan(conform::kListen, conform::kNoTimer, 0);
    l.inode = 7;
    CHECK(host::tell(l, ns, hz250()).kind == host::SocketKind::listener);
}

TEST_CASE("host story: a zero-window orphan whose peer answers has no upper bound when tcp_retries2 <= 9") {
    DiagSocket s = orphan(conform::kFinWait1, conform::kProbeTimer, 300, 0);
    s.info->probes = 0;
    s.info->backoff = 3;
    s.info->rto_us = 204000 * 8;
    const auto never = host::tell(s, {60, 0, 1000, 9}, hz250());
    CHECK(never.cause.find("zero window") == 0);
    REQUIRE(never.orphan_left);
    CHECK_FALSE(never.orphan_left->hi);
    const auto ends = host::tell(s, {60, 0, 1000, 15}, hz250());
    REQUIRE(ends.orphan_left->hi);  // the backoff reaches TCP_RTO_MAX: about 325 s from close()
    CHECK(*ends.orphan_left->hi > 200);
    auto oom = hz250();
    oom.oom_now = true;
    const auto killed = host::tell(s, {60, 0, 1000, 9}, oom);  // tcp_check_oom: the next probe timer kills
    REQUIRE(killed.orphan_left->hi);
    CHECK(killed.orphan_left->lo == doctest::Approx(0.3));
    CHECK(*killed.orphan_left->hi < 0.4);
    CHECK(killed.next.find("tcp_check_oom") == 0);
}

TEST_CASE("host summary: the counter's orphans outside the namespaces read, and tcp_check_oom") {
    host::HostReading h;
    h.orphans = 25;
    h.max_orphans = 20;
    h.tcp_mem = std::array<long long, 3>{100, 200, 300};
    h.namespaces.push_back({"current", 1, {60, 2, 1000, 15}, 0, 0, {}});
    for (int i = 0; i < 10; ++i)
        h.namespaces.back().sockets.push_back(orphan(conform::kLastAck, conform::kRetransmitTimer, 100, 1, 408000));
    const auto facts = host::host_facts(h);
    CHECK(facts.oom_now);
    const auto all = host::tell_all(h, facts);
    const auto sum = host::summarize(h, facts, all);
    CHECK(sum.counted == 10);
    CHECK(sum.elsewhere == 15);
    CHECK(sum.oom_why.find("25 orphans > tcp_max_orphans 20") == 0);
    CHECK(sum.by_state_cause.at({"LAST_ACK", "FIN not acknowledged"}) == 10);
    REQUIRE(sum.last_gone_latest);
}
