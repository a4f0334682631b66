// What the running kernel was built with, as far as the timed reading needs it.
#pragma once

#include <optional>

namespace orphancheck::conform {

// CONFIG_HZ of the running kernel, from /boot/config-<release> or /proc/config.gz; nullopt when neither
// can be read.
[[nodiscard]] std::optional<int> running_kernel_hz();

}  // namespace orphancheck::conform
