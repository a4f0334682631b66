#include "remaining.hpp"

#include <algorithm>
#include <cmath>

namespace orphancheck::host {
namespace {
constexpr int kMaxSteps = 64;  // expiries looked ahead: RTO_MAX is reached after ten doublings
double seconds(std::uint32_t ms) { return ms / 1000.0; }

// The un-backed-off RTO: icsk_rto shifted back by the doublings done, at least TCP_RTO_MIN.
double base_rto(const conform::DiagSocket& s, int doublings, const analysis::Clock& c) {
    if (!s.info || s.info->rto_us == 0) return c.rto_first_lo();
    return std::max(c.rto_min, s.info->rto_us / 1e6 / std::pow(2.0, doublings));
}
}  // namespace

analysis::Interval timer_left(const conform::DiagSocket& s, const analysis::Clock& c) {
    const double e = seconds(s.expires_ms);
    return {e, e + c.late(e)};
}

analysis::Interval retransmit_left(const conform::DiagSocket& s, const model::SysctlConfig& cfg, bool oom,
                                   const analysis::Clock& c) {
    const int k0 = s.info ? s.info->retransmits : s.retransmits;
    const double base = base_rto(s, k0, c);
    const double e = seconds(s.expires_ms);
    const double limit = analysis::kill_limit(cfg, c);
    const auto interval = [&](int j) { return std::min(base * std::pow(2.0, j), c.rto_max); };
    // Killed at the expiry after k retransmissions when the time since the first one has reached the limit,
    // or when the RTO is at TCP_RTO_MAX and tcp_orphan_retries is 0 (not alive: no retries left).
    const auto kills = [&](int k, double since_first) {
        return k >= 1 && (since_first >= limit || (interval(k) >= c.rto_max && cfg.orphan_retries == 0));
    };
    // Earliest: the past intervals ran as late as the wheel allows, the next ones on time; the pending timer
    // is an RTO (not a loss probe). Under tcp_check_oom the next expiry kills.
    double lo = e;
    if (!oom) {
        double since = 0;
        for (int j = 1; j <= k0; ++j) since += interval(j) + c.late(interval(j));
        for (int k = k0, step = 0; !kills(k, since) && step < kMaxSteps; ++k, ++step) {
            lo += interval(k + 1);
            since += interval(k + 1);
        }
    }
    // Latest: the past intervals on time, the next ones late; before any retransmission the pending timer
    // may be the loss probe, with the first RTO expiry one RTO after it.
    double hi = e + c.late(e);
    if (k0 == 0) hi += base + c.late(base);
    if (oom) return {lo, hi};  // the RTO expiry after that probe, at the latest, is the last
    double since = 0;
    for (int j = 1; j <= k0; ++j) since += interval(j);
    for (int k = k0, step = 0; !kills(k, since) && step < kMaxSteps; ++k, ++step) {
        hi += interval(k + 1) + c.late(interval(k + 1));
        since += interval(k + 1);
    }
    return {lo, hi};
}

analysis::Interval probe_left(const conform::DiagSocket& s, const model::SysctlConfig& cfg, bool oom,
                              const analysis::Clock& c) {
    const int b0 = s.info ? s.info->backoff : 0;
    const int p0 = s.info ? s.info->probes : s.retransmits;
    const double base = base_rto(s, b0, c);
    const double e = seconds(s.expires_ms);
    const int cap = std::min(cfg.retries2, 15);
    const auto interval = [&](int b) { return std::min(base * std::pow(2.0, b), c.rto_max); };
    // tcp_probe_timer: an orphan no longer alive (the interval at RTO_MAX) whose budget is spent gives up,
    // then the OOM check, then icsk_probes_out against the budget; else a probe, backoff + 1 below tcp_retries2.
    const auto budget = [&](int b) {
        const bool alive = interval(b) < c.rto_max;
        return alive ? cfg.effective_orphan_retries() : cfg.orphan_retries;
    };
    const auto gives_up = [&](int p, int b) {
        const bool alive = interval(b) < c.rto_max;
        return (!alive && b >= budget(b)) || p >= budget(b);
    };
    // Least: no probe answered.
    double lo = e;
    if (!oom)
        for (int p = p0, b = b0, step = 0; !gives_up(p, b) && step < kMaxSteps; ++step) {
            ++p;
            if (b < cap) ++b;
            lo += interval(b);
        }
    // Most: every probe answered (icsk_probes_out back to 0): only the backoff can end it.
    double hi = e + c.late(e);
    if (oom) return {lo, hi};
    for (int b = b0, step = 0; !gives_up(0, b); ++step) {
        if (b >= cap || step >= kMaxSteps) return {lo, std::nullopt};  // the backoff stops growing: never
        ++b;
        hi += interval(b) + c.late(interval(b));
    }
    return {lo, hi};
}

}  // namespace orphancheck::host
