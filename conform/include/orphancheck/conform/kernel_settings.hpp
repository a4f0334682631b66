// Sysctls and nftables rules of a live-kernel run.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "orphancheck/conform/host_guard.hpp"

namespace orphancheck::conform {

// name: dotted sysctl name ("net.ipv4.tcp_fin_timeout"). Throw std::runtime_error naming it on failure.
[[nodiscard]] std::string read_sysctl(std::string_view name);
void write_sysctl(std::string_view name, std::string_view value);

// A global (not per-namespace) sysctl set for the lifetime of this object: the old
// value is saved first and written back by the destructor. Keep its scope around
// run_in_private_netns, which turns SIGINT/SIGTERM/SIGHUP into a normal return.
// Kill-safe (host_guard.hpp): before the write, a restore record is written and a
// guardian process forked; if this process dies without the destructor (SIGKILL,
// the OOM killer), the guardian writes the old value back, and if the guardian
// died too, the next `orphancheck conform` does from the record. A leftover record
// of the same sysctl is applied first; one whose process still runs throws.
class GlobalSysctl {
public:
    GlobalSysctl(std::string name, std::string_view value);
    ~GlobalSysctl();
    GlobalSysctl(const GlobalSysctl&) = delete;
    GlobalSysctl& operator=(const GlobalSysctl&) = delete;
    [[nodiscard]] const std::string& saved() const { return saved_; }
    [[nodiscard]] const std::string& record_path() const { return record_; }
    [[nodiscard]] pid_t guardian_pid() const { return guardian_.pid(); }

private:
    std::string name_, saved_, record_;
    SysctlGuardian guardian_;
    pid_t owner_ = -1;  // a forked copy of this object restores nothing
};

// Runs `nft -f -` with the script on stdin in the caller's namespace.
// Throws std::runtime_error with nft's first error line on failure.
void nft_apply(std::string_view script);

}  // namespace orphancheck::conform
