#include "orphancheck/analysis/timed.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace orphancheck::analysis {
namespace {
// A length in whole jiffies, rounded up (usecs_to_jiffies).
double jiffies_up(double seconds, int hz) { return std::ceil(seconds * hz - 1e-9) / hz; }

Interval timer(double lo, double hi, const Clock& c) { return {lo, hi + c.late(hi)}; }

// tcp_fin_time(): TCP_LINGER2 or the sysctl, at least 3.5 RTO.
Interval fin_time(const model::SysctlConfig& s, OptionSeconds sec, const Clock& c) {
    const double l = sec.linger2 > 0 ? sec.linger2 : s.fin_timeout_seconds;
    return {std::max(l, 3.5 * c.rto_first_lo()), std::max(l, 3.5 * c.rto_first_hi())};
}

// The RTO timer armed after `retries` RTO retransmissions: the RTO doubled that often, capped at TCP_RTO_MAX.
Interval backed_off(int retries, const Clock& c) {
    const double backoff = std::pow(2.0, retries);
    return timer(std::min(c.rto_first_lo() * backoff, c.rto_max), std::min(c.rto_first_hi() * backoff, c.rto_max), c);
}
}  // namespace

double Clock::rto_first_lo() const {
    if (rto_lo) return *rto_lo;
    double lo = std::numeric_limits<double>::infinity();
    for (const int h : hz) lo = std::min(lo, jiffies_up(rto_min + 1e-6, h));
    return lo;
}

double Clock::rto_first_hi() const {
    if (rto_hi) return *rto_hi;
    double hi = 0;
    for (const int h : hz) hi = std::max(hi, jiffies_up(rto_min + rtt_max, h));
    return hi;
}

double Clock::late(double seconds) const {
    // kernel/time/timer.c: LVL_START(n) = 63 << 3(n-1) jiffies, granularity 8^n jiffies; the expiry is
    // rounded up to the next multiple of it (never early). One jiffy more for a timer armed mid-jiffy.
    double worst = 0;
    for (const int h : hz) {
        const double delta = std::ceil(seconds * h - 1e-9) + 1;
        double gran = 1;
        for (double start = 63; delta >= start && gran < 8.0 * 8 * 8 * 8 * 8 * 8 * 8; start *= 8) gran *= 8;
        worst = std::max(worst, gran / h);
    }
    return worst + tick;
}

double model_timeout(int boundary, const Clock& c) {
    // tcp_model_timeout(): doubling from TCP_RTO_MIN up to linear_backoff_thresh = ilog2(RTO_MAX / RTO_MIN),
    // then TCP_RTO_MAX per retry.
    const int thresh = int(std::floor(std::log2(c.rto_max / c.rto_min) + 1e-9));
    if (boundary <= thresh) return double((2 << boundary) - 1) * c.rto_min;
    return double((2 << thresh) - 1) * c.rto_min + (boundary - thresh) * c.rto_max;
}

namespace {
// From the first RTO retransmission (at the first expiry) to the expiry after `retries` of them, unclamped.
Interval since_first(int retries, const Clock& c) {
    Interval t{0, 0.0};
    for (int j = 1; j <= retries; ++j) {
        const Interval d = backed_off(j, c);
        t.lo += d.lo;
        *t.hi += *d.hi;
    }
    return t;
}
}  // namespace

double kill_limit(const model::SysctlConfig& s, const Clock& c) {
    return s.user_timeout_ms > 0 ? s.user_timeout_ms / 1000.0 : model_timeout(s.effective_orphan_retries(), c);
}

RetryKill retry_kill_at(int retries, const model::SysctlConfig& s, const Clock& c) {
    // retransmits_timed_out() is false before the first RTO retransmission; once the RTO reached
    // TCP_RTO_MAX the orphan is no longer "alive" and its budget drops (the model's rows say when), unless
    // TCP_USER_TIMEOUT decides alone.
    if (retries == 0) return {false, true};
    if (s.user_timeout_ms == 0 && retries >= s.kernel.retransmits_until_rto_max) return {};
    const Interval t = since_first(retries, c);
    const double limit = kill_limit(s, c);
    return {*t.hi >= limit, t.lo < limit};
}

std::string describe(const Interval& i) {
    if (std::isinf(i.lo)) return "never";
    return i.hi ? fmt::format("{:.2f}-{:.2f} s", i.lo, *i.hi) : fmt::format("at least {:.2f} s", i.lo);
}

MoveTiming move_timing(checker::Label label) {
    switch (checker::label_timing(label)) {
        case model::Timing::instant: return MoveTiming::instant;
        case model::Timing::anytime: return MoveTiming::anytime;
        case model::Timing::rto:
        case model::Timing::probe:
        case model::Timing::loss_probe:
        case model::Timing::keepalive:
        case model::Timing::timewait:
        case model::Timing::linger:
        case model::Timing::handshake: return MoveTiming::timer;
    }
    return MoveTiming::instant;
}

Interval move_delay(const model::LocalKey& from, checker::Label label, const model::SysctlConfig& s,
                    model::CloseOpts opts, OptionSeconds sec, const Clock& c) {
    const Interval ft = fin_time(s, sec, c);
    const double twl = s.kernel.timewait_len_seconds;
    const bool fin_long = opts.linger2 == model::Linger2::long_ ||
                          (opts.linger2 == model::Linger2::sysctl && s.fin_timeout_long());
    switch (checker::label_timing(label)) {
        case model::Timing::instant: return {0, c.instant};
        case model::Timing::anytime: return {0, std::nullopt};
        case model::Timing::rto: {
            // The k-th expiry comes RTO * 2^(k-1) after the one before. The first follows a tail-loss probe,
            // which re-arms the RTO: as a move of its own (--loss-probe yes) it has already come; otherwise
            // (when one is sent: its timeout is capped by the RTO) its time is allowed for here.
            const Interval d = backed_off(from.data.retries, c);
            if (from.data.retries == 0 && !s.loss_probe)
                return {d.lo, *d.hi + c.rto_first_hi() + c.late(c.rto_first_hi())};
            if (s.user_timeout_ms == 0) return d;
            // tcp_clamp_rto_to_user_timeout: the timer fires no later than TCP_USER_TIMEOUT after the first
            // RTO retransmission.
            const Interval before = since_first(from.data.retries - 1, c);
            const double limit = kill_limit(s, c);
            const double left_most = std::max(0.0, limit - before.lo);
            return {std::min(d.lo, std::max(0.0, limit - *before.hi)), std::min(*d.hi, left_most + c.late(left_most))};
        }
        case model::Timing::probe: {
            // tcp_probe0_when: the RTO shifted by icsk_backoff (one more per probe sent), capped at RTO_MAX.
            const double backoff = std::pow(2.0, from.data.backoff);
            return timer(std::min(c.rto_first_lo() * backoff, c.rto_max), std::min(c.rto_first_hi() * backoff, c.rto_max), c);
        }
        case model::Timing::loss_probe:
            // tcp_schedule_loss_probe with the FIN alone in flight: 2 srtt + TCP_RTO_MIN, capped at the RTO.
            return timer(c.rto_first_lo(), c.rto_first_hi(), c);
        case model::Timing::keepalive:  // armed for fin_time - 60 s, or fin_time in the "bad case"
            return from.data.fin_long ? timer(ft.lo - twl, *ft.hi - twl, c) : timer(ft.lo, *ft.hi, c);
        case model::Timing::timewait:
            if (from.state != model::TcpState::tw_fin_wait2) return timer(twl, twl, c);
            // tcp_time_wait(FIN_WAIT2, tmo): fin_time at close or on the ACK, fin_time - 60 s (at least
            // 3.5 RTO) after the keepalive wait.
            return fin_long ? timer(std::max(ft.lo - twl, 3.5 * c.rto_first_lo()), std::max(*ft.hi - twl, 3.5 * c.rto_first_hi()), c)
                            : timer(ft.lo, *ft.hi, c);
        case model::Timing::linger:
            // The wait lasts while the state is FIN_WAIT1, CLOSING or LAST_ACK: there only the SO_LINGER
            // timeout (or a signal, which the runs do not send) ends it; any other state ends it at once.
            if (from.state == model::TcpState::fin_wait1 || from.state == model::TcpState::closing ||
                from.state == model::TcpState::last_ack)
                return timer(sec.linger, sec.linger, c);
            return {0, c.instant};
        case model::Timing::handshake: {
            // reqsk_timer_handler: TCP_TIMEOUT_INIT (1 s) shifted by num_timeout, capped at TCP_RTO_MAX.
            const double t = std::min(std::ldexp(1.0, std::min<int>(from.data.retries, 16)), c.rto_max);
            return timer(t, t, c);
        }
    }
    return {0, c.instant};
}

}  // namespace orphancheck::analysis
