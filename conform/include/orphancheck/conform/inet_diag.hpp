// The sockets of the caller's network namespace, read through inet_diag
// (NETLINK_SOCK_DIAG, SOCK_DIAG_BY_FAMILY, IPv4 TCP, every state), and the
// namespace's counters from /proc/net.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace orphancheck::conform {

// Kernel TCP state numbers (include/net/tcp_states.h).
enum KernelTcpState : std::uint8_t {
    kEstablished = 1, kSynSent, kSynRecv, kFinWait1, kFinWait2, kTimeWait, kClose, kCloseWait, kLastAck,
    kListen, kClosing, kNewSynRecv
};
// idiag_timer values.
enum KernelTimer : std::uint8_t { kNoTimer = 0, kRetransmitTimer = 1, kKeepaliveTimer = 2, kTimewaitTimer = 3, kProbeTimer = 4 };

// What tcp_info (INET_DIAG_INFO) adds for a full socket: the retransmit and probe state behind its timer.
struct DiagTcpInfo {
    std::uint8_t retransmits = 0;  // icsk_retransmits
    std::uint8_t probes = 0;       // icsk_probes_out
    std::uint8_t backoff = 0;      // icsk_backoff
    std::uint32_t rto_us = 0;      // icsk_rto (backed off)
    std::uint32_t snd_wnd = 0;     // the peer's advertised window
    std::uint32_t unacked = 0;     // packets_out
    std::uint32_t last_data_sent_ms = 0;
};

struct DiagSocket {
    std::uint8_t state = 0;        // KernelTcpState; a timewait bucket reports its substate (FIN_WAIT2 or TIME_WAIT)
    std::uint8_t timer = 0;        // KernelTimer; 3 for every timewait bucket
    std::uint8_t retransmits = 0;  // idiag_retrans
    std::uint16_t sport = 0, dport = 0;  // host byte order
    std::uint32_t expires_ms = 0;
    std::uint32_t rqueue = 0, wqueue = 0;
    std::uint32_t inode = 0;       // 0: no struct socket (orphan, or timewait bucket)
    std::uint64_t cookie = 0;      // idiag_cookie, for SOCK_DESTROY
    std::uint32_t saddr = 0, daddr = 0;  // IPv4 addresses, network byte order (SOCK_DESTROY looks them up)
    std::uint32_t ifindex = 0;     // idiag_if (bound device, 0 for none)
    std::optional<DiagTcpInfo> info;  // full sockets, when asked for (dump_tcp_sockets(true))
    [[nodiscard]] bool timewait_bucket() const { return timer == kTimewaitTimer && inode == 0; }
};

[[nodiscard]] std::string kernel_state_name(std::uint8_t state);  // "FIN_WAIT1", ...

// Every IPv4 TCP socket of the namespace (listeners, full sockets, timewait buckets), with tcp_info when
// `with_info` (libmnl parses the attributes). Throws std::runtime_error naming the failing call.
[[nodiscard]] std::vector<DiagSocket> dump_tcp_sockets(bool with_info = false);
// SOCK_DESTROY (what ss -K does). Returns false when the kernel refused (the socket is gone, ...).
bool destroy_socket(const DiagSocket& s);
// Destroys every socket dump_tcp_sockets() lists (and the namespace's IPv6 TCP sockets),
// dumping again while a pass destroyed something; returns how many were destroyed.
int destroy_all_sockets();

// /proc/net/sockstat: "orphan" is the kernel's global tcp_orphan_count (every namespace),
// "tw" and "inuse" are this namespace's.
struct SockStat {
    int inuse = 0, orphan = 0, tw = 0;
    long long mem_pages = 0;  // "mem": tcp_memory_allocated, global, in pages
};
[[nodiscard]] SockStat read_sockstat();
// /proc/net/netstat TcpExt counters of this namespace ("TCPAbortOnTimeout" -> value).
[[nodiscard]] std::map<std::string, long long> read_tcp_ext();

}  // namespace orphancheck::conform
