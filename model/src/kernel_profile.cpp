#include "orphancheck/model/kernel_profile.hpp"

#include <array>

namespace orphancheck::model {
namespace {
constexpr std::array<KernelOptionInfo, 3> kOptions = {{
    {"abort_kills_orphans", &KernelOptions::abort_kills_orphans,
     "tcp_abort (ss -K, SOCK_DESTROY, bpf_sock_destroy) on an orphan runs tcp_done: the orphan is destroyed "
     "(RST in FIN_WAIT1/FIN_WAIT2). Without it the orphan is skipped and only its write queue is purged: "
     "nothing is left to retransmit, the retransmit timer stops rearming, and a FIN_WAIT1/CLOSING/LAST_ACK "
     "orphan whose peer stays silent is never destroyed",
     "bac76cf89816 \"tcp: fix forever orphan socket caused by tcp_abort\" (v6.11, stable backports 2024)"},
    {"abort_frees_timewait", &KernelOptions::abort_frees_timewait,
     "tcp_abort on a timewait bucket deschedules and frees it. Without it tcp_abort refuses sockets that are "
     "not full sockets (-EOPNOTSUPP) and the bucket lives until its timer",
     "6.x tcp_abort TIME_WAIT branch (inet_twsk_deschedule_put); 5.15.100 returns -EOPNOTSUPP (commit not traced)"},
    {"accepts_old_ack", &KernelOptions::accepts_old_ack,
     "a FIN_WAIT2 socket takes a FIN whose ACK is older than SND.UNA (the peer sent it before it saw our FIN; "
     "its ACK of our FIN overtook it), as RFC 793 says (an old ACK is ignored, the segment processed). Without "
     "it step 5 of tcp_rcv_state_process drops the whole segment with a challenge ACK and the peer has to "
     "retransmit its FIN",
     "\"net: tcp: accept old ack during closing\" (Menglong Dong, January 2024; not in 5.15.130)"},
}};

constexpr std::array<KernelConstantInfo, 2> kConstants = {{
    {"timewait_len_seconds", &KernelOptions::timewait_len_seconds, 1, 3600,
     "TCP_TIMEWAIT_LEN: an orphan whose tcp_fin_time() is above it first waits in FIN_WAIT2 as a counted full "
     "socket (keepalive timer), at or below it goes straight to a FIN_WAIT2 bucket"},
    {"retransmits_until_rto_max", &KernelOptions::retransmits_until_rto_max, 1, 15,
     "RTO retransmissions until the RTO reaches TCP_RTO_MAX: there the orphan is no longer 'alive' and must be "
     "killed (10 from 200 ms to 120 s; with 6.15's tcp_rto_max_ms = 1000, 3)"},
}};

constexpr std::array<KernelProfile, 3> kProfiles = {{
    {"linux-5.15", "5.15.130 (read: 5.15.100; same close path)", {false, false, false, 60, 10},
     "the kernel the original blog analysed; per-cpu orphan counter with the 100 ms cache already backported "
     "(19757cebf0c5)"},
    {"linux-6.12", "6.12.117 (current LTS)", {true, true, true, 60, 10}, "the default profile"},
    {"linux-6.18", "6.18.y", {true, true, true, 60, 10},
     "same close path as 6.12 for everything modelled: the orphan counter lost sk_prot->orphan_count and "
     "tcp_rto_max (6.15) became per-socket, neither changes a modelled transition"},
}};
}  // namespace

std::span<const KernelOptionInfo> kernel_option_infos() { return kOptions; }

const KernelOptionInfo* find_kernel_option(std::string_view name) {
    for (const auto& o : kOptions)
        if (o.name == name) return &o;
    return nullptr;
}

std::span<const KernelConstantInfo> kernel_constant_infos() { return kConstants; }

const KernelConstantInfo* find_kernel_constant(std::string_view name) {
    for (const auto& c : kConstants)
        if (c.name == name) return &c;
    return nullptr;
}

std::span<const KernelProfile> kernel_profiles() { return kProfiles; }

const KernelProfile* find_profile(std::string_view name) {
    for (const auto& p : kProfiles)
        if (p.name == name) return &p;
    return nullptr;
}

}  // namespace orphancheck::model
