// A timed reading of the per-socket model: how long a socket may stay in a
// configuration before a move fires. Timers follow the kernel's rules (the
// RTO doubles per retransmission from TCP_RTO_MIN, a tail-loss probe may come
// first, the FIN_WAIT2 keepalive and timewait lengths follow tcp_fin_time()),
// and fire late by at most the timer wheel's granularity (1/8 of their length)
// plus a tick. Segments and the rest of close() take at most `instant`. What
// the peer or an administrator does may come at any time.
#pragma once

#include <optional>
#include <string>

#include "orphancheck/checker/socket_space.hpp"

namespace orphancheck::analysis {

struct Clock {
    double rto_min = 0.200;          // TCP_RTO_MIN
    double rto_first_max = 0.250;    // largest RTO before any backoff (loopback: RTO_MIN plus a few ms)
    double tlp_max = 0.250;          // tail-loss probe before the first RTO (it does not count as a retry)
    double rto_max = 120;            // TCP_RTO_MAX
    double late = 0.125;             // timer wheel: a timer fires up to 1/8 of its length late
    double tick = 0.010;             // plus one jiffy (HZ >= 100)
    double instant = 0.050;          // a segment on loopback, the rest of close()
};

// The socket options the model knows only as classes, in seconds.
struct OptionSeconds {
    int linger = 0;   // SO_LINGER timeout (Linger::timeout)
    int linger2 = 0;  // TCP_LINGER2 (0: the sysctl tcp_fin_timeout)
};

struct Interval {
    double lo = 0;
    std::optional<double> hi;  // nullopt: no bound
};

[[nodiscard]] std::string describe(const Interval& i);  // "1.60-3.73 s", "at least 2.00 s", "never"

enum class MoveTiming { instant, timer, anytime };

// How a move's delay is bounded: a segment or a step of close() (instant), a kernel timer (timer), or
// a choice of the peer or an administrator (anytime).
[[nodiscard]] MoveTiming move_timing(checker::Label label);
// The delay of a move of `label` out of `from`, under the case's sysctls.
[[nodiscard]] Interval move_delay(const model::LocalKey& from, checker::Label label, const model::SysctlConfig& sysctl,
                                  model::CloseOpts opts, OptionSeconds seconds, const Clock& clock);

}  // namespace orphancheck::analysis
