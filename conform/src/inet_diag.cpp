// inet_diag over NETLINK_SOCK_DIAG: dump the namespace's TCP sockets and
// destroy them (SOCK_DESTROY, what ss -K does); the /proc/net counters.
#include "orphancheck/conform/inet_diag.hpp"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <libmnl/libmnl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "posix_io.hpp"

namespace orphancheck::conform {
namespace {

using detail::Fd;
using detail::throw_errno;

constexpr std::size_t kReceiveBuffer = 64 * 1024;  // a dump datagram is at most ~32 KiB

struct DiagRequest {
    nlmsghdr header;
    inet_diag_req_v2 body;
};

// A request for IPv4/IPv6 TCP sockets in every state (~0U includes bound-only ones).
inet_diag_req_v2 tcp_request(std::uint8_t family) {
    inet_diag_req_v2 r{};
    r.sdiag_family = family;
    r.sdiag_protocol = IPPROTO_TCP;
    r.idiag_states = ~0U;
    return r;
}

// One netlink conversation with the sock_diag subsystem of this namespace.
class DiagChannel {
public:
    DiagChannel() : fd_(::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG)) {
        if (!fd_.valid()) throw_errno("socket(AF_NETLINK, NETLINK_SOCK_DIAG)");
    }

    // Sends one request (type SOCK_DIAG_BY_FAMILY or SOCK_DESTROY) and hands every reply
    // payload other than DONE/ERROR to on_msg; returns the error of the final DONE/ERROR
    // message (0 for success or an ack, -errno otherwise).
    template <class OnMsg>
    int exchange(std::uint16_t type, std::uint16_t flags, const inet_diag_req_v2& body, OnMsg&& on_msg) {
        DiagRequest req{};
        req.header.nlmsg_len = sizeof req;
        req.header.nlmsg_type = type;
        req.header.nlmsg_flags = std::uint16_t(NLM_F_REQUEST | flags);
        req.header.nlmsg_seq = ++seq_;
        req.body = body;
        sockaddr_nl kernel{};
        kernel.nl_family = AF_NETLINK;
        for (;;) {
            const ssize_t n = ::sendto(fd_.get(), &req, sizeof req, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel);
            if (n == ssize_t(sizeof req)) break;
            if (n < 0 && errno == EINTR) continue;
            throw_errno("sendto(NETLINK_SOCK_DIAG)", n < 0 ? errno : EIO);
        }
        for (;;) {
            const std::size_t len = receive();
            for (std::size_t off = 0; off + sizeof(nlmsghdr) <= len;) {
                nlmsghdr h;
                std::memcpy(&h, buf_.get() + off, sizeof h);
                if (h.nlmsg_len < sizeof h || off + h.nlmsg_len > len)
                    throw std::runtime_error("recvmsg(NETLINK_SOCK_DIAG): malformed netlink message");
                const char* payload = buf_.get() + off + NLMSG_HDRLEN;
                const std::size_t payload_len = h.nlmsg_len - NLMSG_HDRLEN;
                off += NLMSG_ALIGN(h.nlmsg_len);
                if (h.nlmsg_seq != seq_) continue;  // a stale reply
                if (h.nlmsg_type == NLMSG_DONE || h.nlmsg_type == NLMSG_ERROR) {
                    int error = 0;
                    if (payload_len >= sizeof error) std::memcpy(&error, payload, sizeof error);
                    return error;
                }
                on_msg(payload, payload_len);
            }
        }
    }

private:
    // One datagram into buf_; retries EINTR, throws on errors and truncation.
    std::size_t receive() {
        iovec iov{buf_.get(), kReceiveBuffer};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        for (;;) {
            const ssize_t n = ::recvmsg(fd_.get(), &msg, 0);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw_errno("recvmsg(NETLINK_SOCK_DIAG)");
            if (msg.msg_flags & MSG_TRUNC) throw std::runtime_error("recvmsg(NETLINK_SOCK_DIAG): reply truncated");
            return std::size_t(n);
        }
    }

    Fd fd_;
    std::uint32_t seq_ = 0;
    std::unique_ptr<char[]> buf_{new char[kReceiveBuffer]};  // new[] aligns it for nlmsghdr
};

// The tcp_info attribute among the attributes that follow an inet_diag_msg, if any.
std::optional<DiagTcpInfo> tcp_info_of(const char* attrs, std::size_t len) {
    std::optional<DiagTcpInfo> found;
    const auto each = [](const nlattr* a, void* data) -> int {
        if (mnl_attr_get_type(a) != INET_DIAG_INFO) return MNL_CB_OK;
        tcp_info ti{};  // an older kernel sends a shorter struct: the rest stays 0
        std::memcpy(&ti, mnl_attr_get_payload(a), std::min<std::size_t>(mnl_attr_get_payload_len(a), sizeof ti));
        auto& out = *static_cast<std::optional<DiagTcpInfo>*>(data);
        out = DiagTcpInfo{ti.tcpi_retransmits, ti.tcpi_probes, ti.tcpi_backoff, ti.tcpi_rto, ti.tcpi_snd_wnd,
                          ti.tcpi_unacked, ti.tcpi_last_data_sent};
        return MNL_CB_OK;
    };
    if (len > 0 && mnl_attr_parse_payload(attrs, len, each, &found) < 0)
        throw std::runtime_error("SOCK_DIAG_BY_FAMILY: malformed attributes");
    return found;
}

struct RawSocket {
    inet_diag_msg msg;
    std::optional<DiagTcpInfo> info;
};

// Every inet_diag_msg of one family, as the kernel sent it (and its tcp_info when asked for).
std::vector<RawSocket> dump_raw(DiagChannel& ch, std::uint8_t family, bool with_info = false) {
    std::vector<RawSocket> out;
    inet_diag_req_v2 req = tcp_request(family);
    if (with_info) req.idiag_ext |= 1u << (INET_DIAG_INFO - 1);
    const int error = ch.exchange(SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, req, [&](const char* p, std::size_t len) {
        if (len < sizeof(inet_diag_msg)) throw std::runtime_error("SOCK_DIAG_BY_FAMILY: short inet_diag_msg");
        RawSocket r{};
        std::memcpy(&r.msg, p, sizeof r.msg);
        const std::size_t head = NLMSG_ALIGN(sizeof(inet_diag_msg));
        if (with_info && len > head) r.info = tcp_info_of(p + head, len - head);
        if (r.msg.idiag_family == family) out.push_back(r);
    });
    if (error != 0) throw_errno("SOCK_DIAG_BY_FAMILY dump", -error);
    return out;
}

// SOCK_DESTROY of the socket with this id; true when the kernel acked it.
bool destroy_raw(DiagChannel& ch, std::uint8_t family, const inet_diag_sockid& id) {
    inet_diag_req_v2 r = tcp_request(family);
    r.id = id;
    return ch.exchange(SOCK_DESTROY, NLM_F_ACK, r, [](const char*, std::size_t) {}) == 0;
}

DiagSocket to_diag_socket(const inet_diag_msg& m) {
    DiagSocket s;
    s.state = m.idiag_state;
    s.timer = m.idiag_timer;
    s.retransmits = m.idiag_retrans;
    s.sport = ntohs(m.id.idiag_sport);
    s.dport = ntohs(m.id.idiag_dport);
    s.expires_ms = m.idiag_expires;
    s.rqueue = m.idiag_rqueue;
    s.wqueue = m.idiag_wqueue;
    s.inode = m.idiag_inode;
    s.cookie = m.id.idiag_cookie[0] | std::uint64_t(m.id.idiag_cookie[1]) << 32;
    s.saddr = m.id.idiag_src[0];
    s.daddr = m.id.idiag_dst[0];
    s.ifindex = m.id.idiag_if;
    return s;
}

// The lines of a /proc/net file that start with prefix, each split into words after it.
std::vector<std::vector<std::string>> lines_starting(const std::string& path, std::string_view prefix) {
    std::string text;
    if (const int err = detail::read_whole_file(path, text)) throw_errno("read " + path, err);
    std::vector<std::vector<std::string>> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line.compare(0, prefix.size(), prefix) != 0) continue;
        std::istringstream words(line.substr(prefix.size()));
        auto& row = out.emplace_back();
        for (std::string w; words >> w;) row.push_back(w);
    }
    return out;
}

// A counter of a /proc/net file.
long long to_number(const std::string& word, const char* path) {
    long long v = 0;
    const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), v);
    if (ec != std::errc{} || end != word.data() + word.size())
        throw std::runtime_error(std::string("read ") + path + ": '" + word + "' is not a number");
    return v;
}

}  // namespace

std::string kernel_state_name(std::uint8_t state) {
    static constexpr const char* kNames[] = {"ESTABLISHED", "SYN_SENT",   "SYN_RECV",  "FIN_WAIT1",
                                             "FIN_WAIT2",   "TIME_WAIT",  "CLOSE",     "CLOSE_WAIT",
                                             "LAST_ACK",    "LISTEN",     "CLOSING",   "NEW_SYN_RECV"};
    if (state >= kEstablished && state <= kNewSynRecv) return kNames[state - 1];
    return "STATE" + std::to_string(state);
}

std::vector<DiagSocket> dump_tcp_sockets(bool with_info) {
    DiagChannel ch;
    std::vector<DiagSocket> out;
    for (const RawSocket& r : dump_raw(ch, AF_INET, with_info)) {
        out.push_back(to_diag_socket(r.msg));
        out.back().info = r.info;
    }
    return out;
}

bool destroy_socket(const DiagSocket& s) {
    inet_diag_sockid id{};
    id.idiag_sport = htons(s.sport);
    id.idiag_dport = htons(s.dport);
    id.idiag_src[0] = s.saddr;
    id.idiag_dst[0] = s.daddr;
    id.idiag_if = s.ifindex;
    id.idiag_cookie[0] = std::uint32_t(s.cookie);
    id.idiag_cookie[1] = std::uint32_t(s.cookie >> 32);
    DiagChannel ch;
    return destroy_raw(ch, AF_INET, id);
}

int destroy_all_sockets() {
    DiagChannel ch;
    int destroyed = 0;
    // Destroying one end may reset or free its peer, so dump again after a pass that destroyed
    // something; bound-only sockets (state CLOSE) refuse SOCK_DESTROY and end the loop.
    for (int pass = 0; pass < 4; ++pass) {
        int this_pass = 0;
        for (const std::uint8_t family : {std::uint8_t(AF_INET), std::uint8_t(AF_INET6)})
            for (const RawSocket& r : dump_raw(ch, family)) this_pass += destroy_raw(ch, family, r.msg.id) ? 1 : 0;
        destroyed += this_pass;
        if (this_pass == 0) break;
    }
    return destroyed;
}

SockStat read_sockstat() {
    SockStat st;
    const auto rows = lines_starting("/proc/net/sockstat", "TCP:");
    if (rows.empty()) throw std::runtime_error("read /proc/net/sockstat: no TCP line");
    const auto& w = rows.front();
    for (std::size_t i = 0; i + 1 < w.size(); i += 2) {
        const int v = int(to_number(w[i + 1], "/proc/net/sockstat"));
        if (w[i] == "inuse") st.inuse = v;
        else if (w[i] == "orphan") st.orphan = v;
        else if (w[i] == "tw") st.tw = v;
        else if (w[i] == "mem") st.mem_pages = to_number(w[i + 1], "/proc/net/sockstat");
    }
    return st;
}

std::map<std::string, long long> read_tcp_ext() {
    const auto rows = lines_starting("/proc/net/netstat", "TcpExt:");
    if (rows.size() < 2 || rows[0].size() != rows[1].size())
        throw std::runtime_error("read /proc/net/netstat: no TcpExt name and value lines");
    std::map<std::string, long long> out;
    for (std::size_t i = 0; i < rows[0].size(); ++i) out[rows[0][i]] = to_number(rows[1][i], "/proc/net/netstat");
    return out;
}

}  // namespace orphancheck::conform
