// A timed reading of the per-socket model: how long a socket may stay in a
// configuration before a move fires. Timers follow the kernel's rules (the
// RTO doubles per retransmission from TCP_RTO_MIN plus srtt in whole jiffies,
// a tail-loss probe may come first, the FIN_WAIT2 keepalive and timewait
// lengths follow tcp_fin_time()), and fire late by at most the timer wheel's
// granularity at their length plus a tick. An orphan's retry kill is time
// based, as tcp_write_timeout() takes it (retry_kill_at()). Segments and the rest of close() take at most `instant`. What
// the peer or an administrator does may come at any time.
#pragma once

#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "orphancheck/checker/socket_space.hpp"

namespace orphancheck::analysis {

// The kernel's tick rates (CONFIG_HZ) a host may run with.
inline constexpr int kKernelHz[] = {100, 250, 300, 1000};

struct Clock {
    double rto_min = 0.200;  // TCP_RTO_MIN: the base of tcp_model_timeout()
    // The un-backed-off RTO is usecs_to_jiffies(srtt + TCP_RTO_MIN), rounded up to a jiffy: at least one
    // jiffy above TCP_RTO_MIN (srtt > 0). rtt_max bounds srtt (loopback: a few ms at most).
    double rtt_max = 0.004;
    std::optional<double> rto_lo, rto_hi;  // the RTO range, when stated instead (--rto-min-ms/--rto-max-ms)
    std::vector<int> hz{std::begin(kKernelHz), std::end(kKernelHz)};  // the host's CONFIG_HZ, or every common one
    double rto_max = 120;    // TCP_RTO_MAX
    double tick = 0.010;     // a timer's softirq runs up to this long after its jiffy
    double instant = 0.050;  // a segment on loopback, the rest of close()

    // The first RTO: [TCP_RTO_MIN + srtt] rounded up to a jiffy, over the candidate HZ.
    [[nodiscard]] double rto_first_lo() const;
    [[nodiscard]] double rto_first_hi() const;
    // How late a timer of `seconds` may fire: the timer wheel rounds its expiry up to the granularity of
    // the level it lands in (8^level jiffies; level 0 below 63 jiffies, then x8 per level), plus `tick`.
    [[nodiscard]] double late(double seconds) const;
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

// tcp_write_timeout() on an orphan: at the k-th RTO expiry (k-1 RTO retransmissions done, `retries` in the
// model) it is killed when the time since the first RTO retransmission (the TLP does not count) reaches
// kill_limit(). That time lies in an interval fixed by the RTO and the timer
// wheel; whether the kill may happen there and whether the orphan may go on.
struct RetryKill {
    bool may_kill = true;
    bool may_survive = true;
};
[[nodiscard]] RetryKill retry_kill_at(int retries, const model::SysctlConfig& sysctl, const Clock& clock);
// The time retransmits_timed_out() compares with: TCP_USER_TIMEOUT when set, else
// tcp_model_timeout(tcp_orphan_retries).
[[nodiscard]] double kill_limit(const model::SysctlConfig& sysctl, const Clock& clock);
// tcp_model_timeout(boundary, TCP_RTO_MIN) in seconds.
[[nodiscard]] double model_timeout(int boundary, const Clock& clock);

}  // namespace orphancheck::analysis
