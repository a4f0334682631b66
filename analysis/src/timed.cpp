#include "orphancheck/analysis/timed.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace orphancheck::analysis {
namespace {
Interval timer(double lo, double hi, const Clock& c) { return {lo, hi * (1 + c.late) + c.tick}; }

// tcp_fin_time(): TCP_LINGER2 or the sysctl, at least 3.5 RTO.
Interval fin_time(const model::SysctlConfig& s, OptionSeconds sec, const Clock& c) {
    const double l = sec.linger2 > 0 ? sec.linger2 : s.fin_timeout_seconds;
    return {std::max(l, 3.5 * c.rto_min), std::max(l, 3.5 * c.rto_first_max)};
}
}  // namespace

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
        case model::Timing::keepalive:
        case model::Timing::timewait:
        case model::Timing::linger: return MoveTiming::timer;
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
            // The k-th expiry comes RTO * 2^(k-1) after the one before; the first may follow a loss probe.
            const double backoff = std::pow(2.0, from.data.retries);
            const double lo = std::min(c.rto_min * backoff, c.rto_max);
            const double hi = std::min(c.rto_first_max * backoff, c.rto_max) + (from.data.retries == 0 ? c.tlp_max : 0);
            return timer(lo, hi, c);
        }
        case model::Timing::probe: {
            // tcp_probe0_when: the RTO shifted by icsk_backoff (one more per probe sent), capped at RTO_MAX.
            const double backoff = std::pow(2.0, from.data.backoff);
            return timer(std::min(c.rto_min * backoff, c.rto_max), std::min(c.rto_first_max * backoff, c.rto_max), c);
        }
        case model::Timing::keepalive:  // armed for fin_time - 60 s, or fin_time in the "bad case"
            return from.data.fin_long ? timer(ft.lo - twl, *ft.hi - twl, c) : timer(ft.lo, *ft.hi, c);
        case model::Timing::timewait:
            if (from.state != model::TcpState::tw_fin_wait2) return timer(twl, twl, c);
            // tcp_time_wait(FIN_WAIT2, tmo): fin_time at close or on the ACK, fin_time - 60 s (at least
            // 3.5 RTO) after the keepalive wait.
            return fin_long ? timer(std::max(ft.lo - twl, 3.5 * c.rto_min), std::max(*ft.hi - twl, 3.5 * c.rto_first_max), c)
                            : timer(ft.lo, *ft.hi, c);
        case model::Timing::linger:
            // The wait lasts while the state is FIN_WAIT1, CLOSING or LAST_ACK: there only the SO_LINGER
            // timeout (or a signal, which the runs do not send) ends it; any other state ends it at once.
            if (from.state == model::TcpState::fin_wait1 || from.state == model::TcpState::closing ||
                from.state == model::TcpState::last_ack)
                return timer(sec.linger, sec.linger, c);
            return {0, c.instant};
    }
    return {0, c.instant};
}

}  // namespace orphancheck::analysis
