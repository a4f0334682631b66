// The timed reading's clock: the timer wheel's rounding, the RTO in whole jiffies, tcp_model_timeout and
// the time-based retry kill of an orphan.
#include <doctest/doctest.h>

#include "orphancheck/analysis/timed.hpp"

using namespace orphancheck;

namespace {
analysis::Clock at_hz(int hz) {
    analysis::Clock c;
    c.hz = {hz};
    return c;
}
}  // namespace

TEST_CASE("timed: the timer wheel rounds a timer up to its level's granularity (8^level jiffies)") {
    const analysis::Clock hz250 = at_hz(250), hz1000 = at_hz(1000);
    // 204 ms = 51 jiffies at HZ 250: level 0, one jiffy (4 ms). 408 ms = 102 jiffies: level 1, 8 jiffies.
    CHECK(hz250.late(0.204) == doctest::Approx(0.004 + hz250.tick));
    CHECK(hz250.late(0.408) == doctest::Approx(0.032 + hz250.tick));
    // 60 s = 60000 jiffies at HZ 1000: level 4 (from 32256 jiffies), 4096 jiffies.
    CHECK(hz1000.late(60) == doctest::Approx(4.096 + hz1000.tick));
    // Every HZ at once: the worst of them.
    const analysis::Clock any;
    CHECK(any.late(60) >= hz1000.late(60));
    CHECK(any.late(0.408) >= hz250.late(0.408));
}

TEST_CASE("timed: the first RTO is TCP_RTO_MIN plus srtt, rounded up to a whole jiffy") {
    CHECK(at_hz(250).rto_first_lo() == doctest::Approx(0.204));
    CHECK(at_hz(250).rto_first_hi() == doctest::Approx(0.204));  // srtt <= 4 ms: still 51 jiffies
    CHECK(at_hz(1000).rto_first_lo() == doctest::Approx(0.201));
    CHECK(at_hz(1000).rto_first_hi() == doctest::Approx(0.204));
    CHECK(at_hz(100).rto_first_lo() == doctest::Approx(0.21));
    analysis::Clock stated;
    stated.rto_lo = 0.3;
    stated.rto_hi = 0.5;
    CHECK(stated.rto_first_lo() == 0.3);
    CHECK(stated.rto_first_hi() == 0.5);
}

TEST_CASE("timed: tcp_model_timeout doubles from TCP_RTO_MIN, then adds TCP_RTO_MAX per retry (errata row 33)") {
    const analysis::Clock c;
    CHECK(analysis::model_timeout(0, c) == doctest::Approx(0.2));
    CHECK(analysis::model_timeout(2, c) == doctest::Approx(1.4));
    CHECK(analysis::model_timeout(8, c) == doctest::Approx(102.2));
    CHECK(analysis::model_timeout(15, c) == doctest::Approx(924.6));
}

TEST_CASE("timed: an orphan's retry kill comes at the first RTO expiry past tcp_model_timeout(R)") {
    model::SysctlConfig s;
    const analysis::Clock hz250 = at_hz(250);
    struct Case {
        int r;       // tcp_orphan_retries
        int expiry;  // the RTO expiry that kills at HZ 250 (measured: R+2 for 1, 2, 3; 9 for 8)
    };
    for (const Case k : {Case{1, 3}, Case{2, 4}, Case{3, 5}, Case{0, 9}}) {
        s.orphan_retries = k.r;
        for (int expiry = 1; expiry <= k.expiry; ++expiry) {
            const analysis::RetryKill rule = analysis::retry_kill_at(expiry - 1, s, hz250);
            INFO("tcp_orphan_retries " << k.r << ", RTO expiry " << expiry << ": may kill " << rule.may_kill
                                       << ", may go on " << rule.may_survive);
            CHECK(rule.may_kill == (expiry == k.expiry));
            CHECK(rule.may_survive == (expiry != k.expiry));
        }
    }
    // HZ unknown, R = 3: at HZ 100 the 4th expiry may come 3 s after the first retransmission, or not.
    s.orphan_retries = 3;
    const analysis::RetryKill undecided = analysis::retry_kill_at(3, s, analysis::Clock{});
    CHECK(undecided.may_kill);
    CHECK(undecided.may_survive);
    // The first expiry never kills: nothing was retransmitted yet.
    CHECK_FALSE(analysis::retry_kill_at(0, s, hz250).may_kill);
}

TEST_CASE("timed: TCP_USER_TIMEOUT is the kill limit, and the last RTO timer is clamped to it") {
    model::SysctlConfig s;
    s.orphan_retries = 1;
    s.user_timeout_ms = 3000;
    const analysis::Clock hz250 = at_hz(250);
    CHECK(analysis::kill_limit(s, hz250) == doctest::Approx(3.0));
    // 0.408 + 0.816 + 1.632 s plus the wheel's rounding stays below 3 s at the 4th expiry: the 5th kills.
    CHECK_FALSE(analysis::retry_kill_at(3, s, hz250).may_kill);
    CHECK(analysis::retry_kill_at(4, s, hz250).may_kill);
    CHECK_FALSE(analysis::retry_kill_at(4, s, hz250).may_survive);
    // Past RTO_MAX the user timeout still decides (the orphan budget's "alive" cut-off does not apply).
    s.user_timeout_ms = 28'800'000;
    CHECK_FALSE(analysis::retry_kill_at(12, s, hz250).may_kill);
}
