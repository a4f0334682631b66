#include "orphancheck/model/config.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace orphancheck::model {

int SysctlConfig::must_kill_after() const {
    return std::min(effective_orphan_retries() + 1, kRetransmitsUntilRtoMax);
}

int SysctlConfig::may_kill_after() const {
    return std::min(std::max(1, effective_orphan_retries()), must_kill_after());
}

std::string SysctlConfig::describe() const {
    return fmt::format("tcp_fin_timeout={} tcp_orphan_retries={} tcp_max_orphans={} tcp_max_tw_buckets={}{}",
                       fin_timeout_seconds, orphan_retries, max_orphans, max_tw_buckets,
                       memory_pressure ? " memory_pressure" : "");
}

}  // namespace orphancheck::model
