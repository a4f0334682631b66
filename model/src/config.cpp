#include "orphancheck/model/config.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace orphancheck::model {

namespace {
// The fewest RTO retransmissions r >= 1 after which the (r+1)-th expiry comes at least `timeout_ms` after the
// first one, the un-backed-off RTO being `rto_ms` (doubled per retransmission, at most TCP_RTO_MAX, 120 s).
// At most 255 (the width of the count).
int retransmissions_until(int timeout_ms, double rto_ms) {
    double elapsed = 0, rto = rto_ms;
    for (int r = 1; r < 255; ++r) {
        rto = std::min(rto * 2, 120000.0);
        elapsed += rto;
        if (elapsed >= timeout_ms) return r;
    }
    return 255;
}
}  // namespace

int SysctlConfig::must_kill_after() const {
    if (user_timeout_ms > 0) return retransmissions_until(user_timeout_ms, 200);
    // Past about 10 RTO doublings from TCP_RTO_MIN the RTO reaches TCP_RTO_MAX and the orphan is no longer
    // "alive": the retry budget drops to 0.
    return std::min(effective_orphan_retries() + 1, kernel.retransmits_until_rto_max);
}

int SysctlConfig::may_kill_after() const {
    if (user_timeout_ms > 0) return std::min(retransmissions_until(user_timeout_ms, 400), must_kill_after());
    return std::min(std::max(1, effective_orphan_retries()), must_kill_after());
}

int SysctlConfig::max_probes(bool dead, int backoff) const {
    if (!dead) return retries2;
    const bool alive = backoff < kernel.retransmits_until_rto_max;
    return orphan_retries == 0 && alive ? 8 : orphan_retries;
}

bool SysctlConfig::probe_backoff_spent(int backoff) const {
    return backoff >= kernel.retransmits_until_rto_max && backoff >= max_probes(true, backoff);
}

int SysctlConfig::probe_backoff_cap() const {
    return std::min(retries2, std::max(kernel.retransmits_until_rto_max, orphan_retries));
}

std::string SysctlConfig::describe() const {
    std::string off;
    for (const KernelOptionInfo& o : kernel_option_infos())
        if (!(kernel.*o.member)) off += fmt::format(" no-{}", o.name);
    const KernelOptions defaults;
    for (const KernelConstantInfo& c : kernel_constant_infos())
        if (kernel.*c.member != defaults.*c.member) off += fmt::format(" {}={}", c.name, kernel.*c.member);
    const std::string r2 = retries2 == SysctlConfig{}.retries2 ? "" : fmt::format(" tcp_retries2={}", retries2);
    const std::string ut = user_timeout_ms == 0 ? "" : fmt::format(" TCP_USER_TIMEOUT={}ms", user_timeout_ms);
    const std::string sa =
        (synack_retries == SysctlConfig{}.synack_retries ? "" : fmt::format(" tcp_synack_retries={}", synack_retries)) +
        (syn_retries == SysctlConfig{}.syn_retries ? "" : fmt::format(" tcp_syn_retries={}", syn_retries));
    return fmt::format("tcp_fin_timeout={} tcp_orphan_retries={} tcp_max_orphans={} tcp_max_tw_buckets={}{}{}{}{}{}{}{}",
                       fin_timeout_seconds, orphan_retries, max_orphans, max_tw_buckets, r2, ut, sa,
                       memory_pressure ? " memory_pressure" : "", fin_alloc_fail ? " fin_alloc_fail" : "",
                       loss_probe ? " loss_probe" : "", off);
}

}  // namespace orphancheck::model
