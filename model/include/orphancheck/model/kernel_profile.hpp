// Kernel versions as data: the close-path behaviours that differ between the
// kernels orphancheck knows are options of the model, each documented with
// the kernel change that introduced it. A profile is a named set of options.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace orphancheck::model {

struct KernelOptions {
    bool abort_kills_orphans = true;   // tcp_abort destroys an orphan (else: write queue purged only)
    bool abort_frees_timewait = true;  // tcp_abort frees a timewait bucket (else: -EOPNOTSUPP)
    bool accepts_old_ack = true;       // a closing socket processes a segment with an old ACK (else: dropped)
    // Guard constants.
    int timewait_len_seconds = 60;       // TCP_TIMEWAIT_LEN: FIN_WAIT2 waits as a full socket above it
    int retransmits_until_rto_max = 10;  // RTO doublings from TCP_RTO_MIN (200 ms) to TCP_RTO_MAX (120 s)
    bool operator==(const KernelOptions&) const = default;
};

struct KernelOptionInfo {
    std::string_view name;
    bool KernelOptions::*member;
    std::string_view meaning;  // what "true" means
    std::string_view change;   // the kernel change that made it true
};
[[nodiscard]] std::span<const KernelOptionInfo> kernel_option_infos();
[[nodiscard]] const KernelOptionInfo* find_kernel_option(std::string_view name);

struct KernelConstantInfo {
    std::string_view name;
    int KernelOptions::*member;
    int min, max;
    std::string_view meaning;
};
[[nodiscard]] std::span<const KernelConstantInfo> kernel_constant_infos();
[[nodiscard]] const KernelConstantInfo* find_kernel_constant(std::string_view name);

struct KernelProfile {
    std::string_view name;     // "linux-6.12"
    std::string_view release;  // the release read for it
    KernelOptions options;
    std::string_view notes;
};
[[nodiscard]] std::span<const KernelProfile> kernel_profiles();
[[nodiscard]] const KernelProfile* find_profile(std::string_view name);
inline constexpr std::string_view kDefaultProfile = "linux-6.12";

}  // namespace orphancheck::model
