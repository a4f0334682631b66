// Kernel-side configuration one exploration runs under: the per-netns sysctls
// and global limits that the close path reads. Socket options (SO_LINGER,
// TCP_LINGER2, unread data) are not here: they are chosen per socket by the
// close() event itself (see events.hpp).
#pragma once

#include <cstdint>
#include <string>

#include "orphancheck/model/kernel_profile.hpp"

namespace orphancheck::model {


struct SysctlConfig {
    int fin_timeout_seconds = 60;  // net.ipv4.tcp_fin_timeout (only <=60 vs >60 matters)
    int orphan_retries = 1;        // net.ipv4.tcp_orphan_retries (u8, 0 means 8)
    int max_orphans = 1;           // net.ipv4.tcp_max_orphans (global)
    int max_tw_buckets = 8;        // net.ipv4.tcp_max_tw_buckets (per netns)
    bool memory_pressure = false;  // tcp_out_of_memory() true for closing sockets
    KernelOptions kernel{};        // version-dependent behaviour (kernel_profile.hpp)
    int retries2 = 15;             // net.ipv4.tcp_retries2: probe budget of a socket not yet orphaned, backoff cap
    // TCP_USER_TIMEOUT of every socket, in ms (0: unset). When set, tcp_write_timeout() kills on it alone:
    // the time since the first RTO retransmission reaches it (the orphan retries no longer decide), and the
    // retransmit timer is clamped so that it fires then.
    int user_timeout_ms = 0;
    // The system is short of atomic memory at close(): tcp_send_fin's skb allocation may fail, the FIN is
    // never queued and no timer is armed (errata O7, read from the code, not confirmed on a live kernel).
    // The socket's own queue is empty then, so tcp_out_of_memory() (memory_pressure) does not see it.
    bool fin_alloc_fail = false;
    // Tail-loss probes (tcp_early_retrans >= 3 with SACK, the kernel's default) as moves of their own: the FIN
    // is sent again at the probe timeout before the first RTO expiry, which then comes one RTO after it.
    // Without it the probe is not a move, and the timed reading allows for one before the first expiry.
    bool loss_probe = false;
    // net.ipv4.tcp_synack_retries: how often a request socket's SYN-ACK is sent again while its listener listens
    // (only request sockets read it: --syn-queue).
    int synack_retries = 5;
    // net.ipv4.tcp_syn_retries: how often connect() sends its SYN again (only connecting sockets read it).
    int syn_retries = 6;

    // The FIN_WAIT2 handling switches at TCP_TIMEWAIT_LEN (60 s).
    [[nodiscard]] bool fin_timeout_long() const { return fin_timeout_seconds > kernel.timewait_len_seconds; }
    // tcp_orphan_retries(): 0 means 8 while the orphan is alive.
    [[nodiscard]] int effective_orphan_retries() const { return orphan_retries == 0 ? 8 : orphan_retries; }
    // The kill decision is time based (retrans_stamp vs tcp_model_timeout) and taken
    // lazily at RTO expiry. Counted in RTO retransmissions: with an RTO just above
    // TCP_RTO_MIN the kill comes after R or R+1 retransmissions (measured: R=1 -> 2,
    // R=8 -> 8), never before the first one, and at the latest once RTO reaches RTO_MAX.
    // With TCP_USER_TIMEOUT: the first expiry whose elapsed time, with an RTO between TCP_RTO_MIN and twice
    // it, reaches the timeout.
    [[nodiscard]] int may_kill_after() const;
    [[nodiscard]] int must_kill_after() const;
    // tcp_probe_timer's budget: icsk_probes_out >= max_probes kills. An orphan gets tcp_orphan_retries(sk,
    // alive) (0 means 8 while alive), a socket whose close() still waits gets tcp_retries2. `alive` is
    // false once the backed-off probe interval reaches TCP_RTO_MAX (backoff >= retransmits_until_rto_max).
    [[nodiscard]] int max_probes(bool dead, int backoff) const;
    // tcp_probe_timer's first test: an orphan that is no longer alive and whose backoff reached max_probes
    // is aborted at once (before the OOM check, whatever the peer answered).
    [[nodiscard]] bool probe_backoff_spent(int backoff) const;
    // The largest icsk_backoff the model keeps: tcp_retries2, or less where nothing reads the difference. Past
    // retransmits_until_rto_max only "backoff >= tcp_orphan_retries" is read (and the probe interval is RTO_MAX).
    [[nodiscard]] int probe_backoff_cap() const;
    [[nodiscard]] std::string describe() const;
    bool operator==(const SysctlConfig&) const = default;
};

}  // namespace orphancheck::model
