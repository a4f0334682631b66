// The child's side of a run: connections on loopback, socket options, nft
// drops and the scenario's actions, while a sampler thread reads every socket
// of the namespace through inet_diag every millisecond or two.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <optional>
#include <cstring>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "orphancheck/conform/kernel_settings.hpp"
#include "orphancheck/conform/netns.hpp"
#include "orphancheck/conform/run_record.hpp"

namespace orphancheck::conform {
namespace {
constexpr std::uint16_t kPort = 5555;
using Clock = std::chrono::steady_clock;

int checked(int rc, const char* what) {
    if (rc < 0) throw std::runtime_error(fmt::format("{}: {}", what, std::strerror(errno)));
    return rc;
}

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

std::uint16_t local_port(int fd) {
    sockaddr_in a{};
    socklen_t len = sizeof a;
    checked(getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), "getsockname");
    return ntohs(a.sin_port);
}

// One of our sockets as inet_diag lists it: its local and remote port (a listener's remote port is 0).
struct Endpoints {
    std::uint16_t sport = 0, dport = 0;
    bool operator==(const Endpoints&) const = default;
};

// Reads the namespace until told to stop; keeps a sample whenever something changed. `unaccepted`: our
// sockets after the first are the listener's connections that no accept() took (listener-side scenarios).
// Such a socket has no file (inode 0) without being an orphan (SOCK_DEAD): it is seen as owned, and not
// counted among the listed orphans the kernel's counter is compared with. `server_unaccepted`: our sockets are
// connecting clients, and the server's side of their connections (request sockets, children no accept() took)
// has no file without being an orphan either. `start`: time 0 of the samples.
class Sampler {
public:
    Sampler(std::vector<Endpoints> ours, int baseline, bool unaccepted, bool server_unaccepted, Clock::time_point start)
        : ports_(std::move(ours)), baseline_(baseline), unaccepted_(unaccepted), server_unaccepted_(server_unaccepted),
          start_(start), thread_([this] { loop(); }) {}
    ~Sampler() { stop(); }
    void stop() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
    }
    [[nodiscard]] double now() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
    [[nodiscard]] bool all_gone() const { return gone_.load(); }
    std::vector<Sample> take(double& max_gap_ms, std::string& error) {
        stop();
        max_gap_ms = max_gap_ms_;
        error = error_;
        return std::move(samples_);
    }

private:
    void loop() {
        try {
            sample_until_stopped();
        } catch (const std::exception& e) {
            error_ = e.what();  // read by take(), after the join
        }
    }
    void sample_until_stopped() {
        double last = -1;
        while (!stop_) {
            Sample s;
            s.sockets.assign(ports_.size(), Observation{});
            s.timers.assign(ports_.size(), 0);
            s.retransmits.assign(ports_.size(), 0);
            std::vector<bool> listed(ports_.size(), false);
            for (const DiagSocket& d : dump_tcp_sockets()) {
                const auto it = std::find(ports_.begin(), ports_.end(), Endpoints{d.sport, d.dport});
                const bool unaccepted = unaccepted_ && it != ports_.begin() && it != ports_.end();
                if (it != ports_.end()) {
                    const auto j = std::size_t(it - ports_.begin());
                    s.sockets[j] = observe(&d);
                    if (unaccepted) s.sockets[j].orphan = false;
                    s.timers[j] = d.timer;
                    s.retransmits[j] = d.retransmits;
                    listed[j] = true;
                }
                const bool server_side = server_unaccepted_ && d.sport == kPort;
                if (!d.timewait_bucket() && d.inode == 0 && d.state != kListen && !unaccepted && !server_side) ++s.listed;
            }
            // A dump is no snapshot: a socket that moves in the hash table while it runs (a full socket
            // replaced by its timewait bucket) can be missed once. Gone counts when two dumps agree.
            for (std::size_t j = 0; j < ports_.size(); ++j) {
                if (listed[j] || missed_[j]++ > 0 || samples_.empty()) continue;
                const Sample& before = unkept_ ? *unkept_ : samples_.back();
                s.sockets[j] = before.sockets[j];
                s.timers[j] = before.timers[j];
                s.retransmits[j] = before.retransmits[j];
            }
            for (std::size_t j = 0; j < ports_.size(); ++j)
                if (listed[j]) missed_[j] = 0;
            s.counter = read_sockstat().orphan - baseline_;
            s.t = now();
            if (last >= 0) max_gap_ms_ = std::max(max_gap_ms_, (s.t - last) * 1000);
            last = s.t;
            gone_ = std::all_of(s.sockets.begin(), s.sockets.end(),
                                [](const Observation& o) { return o.kind == Observation::Kind::gone; });
            // Kept: the first sample of every change, and the last one before it (so that the record says
            // how long each state was seen), and the last one of the run.
            const bool changed = samples_.empty() || samples_.back().sockets != s.sockets ||
                                 samples_.back().timers != s.timers || samples_.back().retransmits != s.retransmits ||
                                 samples_.back().counter != s.counter ||
                                 samples_.back().listed != s.listed;
            if (changed) {
                if (unkept_) samples_.push_back(*unkept_);
                samples_.push_back(s);
                unkept_.reset();
            } else {
                unkept_ = std::move(s);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        if (unkept_) samples_.push_back(*unkept_);
    }
    std::vector<Endpoints> ports_;
    int baseline_;
    bool unaccepted_;
    bool server_unaccepted_;
    Clock::time_point start_;
    std::atomic<bool> stop_{false}, gone_{false};
    std::vector<Sample> samples_;
    std::optional<Sample> unkept_;  // the latest sample, when it showed nothing new
    std::vector<int> missed_ = std::vector<int>(ports_.size(), 0);  // dumps in a row that did not list a socket
    double max_gap_ms_ = 0;
    std::string error_;
    std::thread thread_;  // last: starts once the rest is built
};

void set_int_option(int fd, int level, int name, int value, const char* what) {
    checked(setsockopt(fd, level, name, &value, sizeof value), what);
}

void sleep_ms(int ms) {
    const auto until = Clock::now() + std::chrono::milliseconds(ms);
    while (!stop_requested() && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

// The message of a send action: one segment, far below the loopback MSS and the send buffer.
constexpr std::size_t kSendBytes = 100;

// Zero-window runs: the peer's receive buffer (set on the listener before listen(), so that the window
// scale stays small) and our send buffer, both small, so that a few writes fill them.
constexpr int kPeerRcvbuf = 4096;
constexpr int kOurSndbuf = 8192;

void set_blocking(int fd, bool blocking) {
    const int flags = checked(fcntl(fd, F_GETFL), "fcntl(F_GETFL)");
    checked(fcntl(fd, F_SETFL, blocking ? flags & ~O_NONBLOCK : flags | O_NONBLOCK), "fcntl(F_SETFL)");
}

std::uint32_t unacked_segments(int fd) {
    tcp_info info{};
    socklen_t len = sizeof info;
    checked(getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len), "getsockopt(TCP_INFO)");
    return info.tcpi_unacked;
}

// Writes to each of our sockets until its send buffer is full; the peer does not read, so its window
// closes and data stays unsent. Returns once the peer has acked every byte sent (its ACKs may be delayed
// up to 40 ms): from then on nothing is in flight and the zero-window probe timer runs, not the RTO.
void fill_windows(const std::vector<int>& fds) {
    static const std::array<char, 65536> chunk{};
    for (int fd : fds) {
        set_blocking(fd, false);
        for (;;) {
            const ssize_t n = write(fd, chunk.data(), chunk.size());
            if (n > 0) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
            checked(-1, "write (filling the peer's window)");
        }
        set_blocking(fd, true);
    }
    const auto until = Clock::now() + std::chrono::seconds(2);
    while (std::any_of(fds.begin(), fds.end(), [](int fd) { return unacked_segments(fd) > 0; })) {
        if (Clock::now() > until) throw std::runtime_error("the peer did not ack our data within 2 s: no zero window");
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
}

// The peer reads again: drains its socket until end of file (our FIN) or until told to stop.
void read_until_eof(const std::stop_token& stop, int fd) {
    std::array<char, 65536> buf{};
    while (!stop.stop_requested() && !stop_requested()) {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, 10) <= 0) continue;
        const ssize_t n = read(fd, buf.data(), buf.size());
        if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) return;
    }
}

// close() that waits (SO_LINGER > 0), in a thread of its own. Returns once close() has taken the
// descriptor out of the table: a fork after that (nft) cannot share the socket, so the thread drops the
// last reference and waits in sk_stream_wait_close.
void close_in_thread(int fd, std::vector<std::jthread>& threads) {
    struct stat before{};
    checked(fstat(fd, &before), "fstat");
    threads.emplace_back([fd] { ::close(fd); });
    const auto until = Clock::now() + std::chrono::seconds(1);
    for (struct stat now{}; fstat(fd, &now) == 0 && now.st_ino == before.st_ino && Clock::now() < until;)
        std::this_thread::sleep_for(std::chrono::microseconds(100));
}

void destroy_where(bool (*match)(const DiagSocket&, const std::vector<Endpoints>&), const std::vector<Endpoints>& ports) {
    for (const DiagSocket& d : dump_tcp_sockets())
        if (match(d, ports)) destroy_socket(d);
}
}  // namespace

RunRecord record_scenario(const Scenario& sc) {
    RunRecord rec;
    write_sysctl("net.ipv4.tcp_fin_timeout", std::to_string(sc.fin_timeout));
    write_sysctl("net.ipv4.tcp_orphan_retries", std::to_string(sc.orphan_retries));
    if (sc.retries2) write_sysctl("net.ipv4.tcp_retries2", std::to_string(*sc.retries2));
    if (sc.max_tw_buckets) write_sysctl("net.ipv4.tcp_max_tw_buckets", std::to_string(*sc.max_tw_buckets));
    if (!sc.retrans_collapse) write_sysctl("net.ipv4.tcp_retrans_collapse", "0");
    if (sc.synack_retries) write_sysctl("net.ipv4.tcp_synack_retries", std::to_string(*sc.synack_retries));
    nft_apply("table inet orphancheck {\n chain in { type filter hook input priority 0; policy accept; }\n}\n");

    // Close-on-exec: the nft processes forked during the run must not hold our sockets (a socket whose
    // last reference an exiting nft drops is orphaned at once, whatever SO_LINGER says).
    const Clock::time_point start = Clock::now();  // listener side: time 0 comes before the connections
    const bool listener_side = sc.listener_side();
    const int listener = checked(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket");
    set_int_option(listener, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
    const bool zero_window = sc.peer_window_closed();
    if (zero_window) set_int_option(listener, SOL_SOCKET, SO_RCVBUF, kPeerRcvbuf, "SO_RCVBUF");
    const sockaddr_in addr = loopback(kPort);
    checked(bind(listener, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), "bind");
    checked(listen(listener, 128), "listen");
    // The client's last ACK of each handshake (a segment to the listener whose only flag among SYN, ACK, FIN
    // and RST is ACK; data too, which the clients do not send while it holds): the server side stays a
    // request socket (NEW_SYN_RECV), the client's connect() returns.
    if (sc.handshake_ack_dropped)
        nft_apply(fmt::format("add rule inet orphancheck in tcp dport {} tcp flags & (syn | ack | fin | rst) == ack drop\n",
                              kPort));
    // The server's SYN-ACK (SYN and ACK among SYN, ACK, FIN, RST): our connecting sockets stay in SYN_SENT.
    if (sc.connecting)
        nft_apply(fmt::format("add rule inet orphancheck in tcp sport {} tcp flags & (syn | ack | fin | rst) == syn | ack drop\n",
                              kPort));
    // Client side: ours are the connections' client sockets, the listener's accepted ones are the peers.
    // Listener side: ours are the listener and the connections it never accepts; the clients are the peers.
    std::vector<int> ours, peers;
    std::vector<Endpoints> ports;
    // Connecting sockets: time 0 comes before the first SYN, so that the SYN's retransmission timer (1 s) counts
    // from before time 0, never after it (under ASan the sampler started ms after connect(): a SYN-ACK let in
    // at the retransmission showed ESTABLISHED at 0.993 s, "too soon", CI rehearsal 2026-12-08).
    Clock::time_point first_syn = start;
    if (listener_side) {
        ours.push_back(listener);
        ports.push_back({kPort, 0});
    }
    for (int i = 0; i < sc.connections; ++i) {
        const int fd = checked(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket");
        if (zero_window) set_int_option(fd, SOL_SOCKET, SO_SNDBUF, kOurSndbuf, "SO_SNDBUF");
        if (sc.connecting) {  // connect() in progress: our SYN out, the SYN-ACK dropped; nobody accepts
            set_blocking(fd, false);
            if (i == 0) first_syn = Clock::now();
            if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0)
                throw std::runtime_error("connect: completed at once (a connecting socket must stay in SYN_SENT)");
            if (errno != EINPROGRESS) checked(-1, "connect");
            ours.push_back(fd);
            ports.push_back({local_port(fd), kPort});
            continue;
        }
        checked(connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), "connect");
        if (listener_side) {
            peers.push_back(fd);
            ports.push_back({kPort, local_port(fd)});
            continue;
        }
        ours.push_back(fd);
        ports.push_back({local_port(fd), kPort});
        peers.push_back(checked(accept4(listener, nullptr, nullptr, SOCK_CLOEXEC), "accept"));
        if (sc.linger >= 0) {
            const linger l{1, sc.linger};
            checked(setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l), "SO_LINGER");
        }
        if (sc.linger2 != 0) set_int_option(fd, IPPROTO_TCP, TCP_LINGER2, sc.linger2, "TCP_LINGER2");
        if (sc.user_timeout_ms != 0) set_int_option(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, sc.user_timeout_ms, "TCP_USER_TIMEOUT");
    }
    rec.closed_at.assign(ports.size(), -1);
    rec.shut_at.assign(ports.size(), -1);
    if (listener_side) sleep_ms(5);  // the last client's ACK taken by its listener (a child or a dropped ACK)
    const auto mib_before = read_tcp_ext();
    Sampler sampler(ports, read_sockstat().orphan, listener_side, sc.connecting,
                    listener_side ? start : sc.connecting ? first_syn : Clock::now());
    std::vector<std::jthread> lingering;  // close() calls that wait (SO_LINGER > 0); joined on every way out
    std::vector<std::jthread> readers;    // the peer reading again (peer_read); stopped before its sockets close
    sleep_ms(20);  // a first sample of the established connections
    for (const Action& a : sc.actions) {
        if (stop_requested()) break;
        switch (a.act) {
            case Act::drop_from_peer: nft_apply(fmt::format("add rule inet orphancheck in tcp sport {} drop\n", kPort)); break;
            case Act::drop_from_peer_but_fin:
                nft_apply(fmt::format("add rule inet orphancheck in tcp sport {} tcp flags & fin == 0 drop\n", kPort));
                break;
            case Act::drop_fin_to_peer:
                nft_apply(fmt::format("add rule inet orphancheck in tcp dport {} tcp flags & fin == fin drop\n", kPort));
                break;
            case Act::drop_to_peer:
                nft_apply(fmt::format("add rule inet orphancheck in tcp dport {} drop\n", kPort));
                break;
            case Act::drop_only_fin_to_peer:
                nft_apply(fmt::format("flush chain inet orphancheck in\n"
                                      "add rule inet orphancheck in tcp dport {} tcp flags & fin == fin drop\n",
                                      kPort));
                break;
            case Act::allow_all: nft_apply("flush chain inet orphancheck in\n"); break;
            case Act::peer_send:
                for (int fd : peers) checked(int(write(fd, "x", 1)), "write");
                break;
            case Act::send:
                for (int fd : ours) {
                    static constexpr std::array<char, kSendBytes> message{};
                    if (checked(int(write(fd, message.data(), message.size())), "write") != int(message.size()))
                        throw std::runtime_error("write: a short write of our message");
                }
                break;
            case Act::peer_close:
                // A peer our RST already reached (an orphan reset at close() or at a probe) has nothing to shut
                // down: ENOTCONN. The samples show the reset; the trace check judges it.
                for (int fd : peers)
                    if (shutdown(fd, SHUT_WR) < 0 && errno != ENOTCONN) checked(-1, "shutdown");
                break;
            case Act::peer_abort:
                if (listener_side)  // the clients: their sockets are the ones to the listener's port
                    destroy_where([](const DiagSocket& d, const std::vector<Endpoints>&) { return d.dport == kPort; }, ports);
                else
                    destroy_where([](const DiagSocket& d, const std::vector<Endpoints>&) {
                        return d.sport == kPort && d.state != kListen;
                    }, ports);
                break;
            case Act::close:
                for (std::size_t i = 0, done = 0; i < ours.size() && (a.count == 0 || int(done) < a.count); ++i) {
                    if (rec.closed_at[i] >= 0) continue;
                    if (done++ > 0) sleep_ms(a.ms);
                    rec.closed_at[i] = sampler.now();
                    if (sc.linger > 0)
                        close_in_thread(ours[i], lingering);
                    else
                        ::close(ours[i]);
                }
                // The listener's close() is the end its unaccepted connections get (inet_csk_listen_stop).
                if (listener_side)
                    for (double& at : rec.closed_at) at = rec.closed_at.front();
                break;
            case Act::shutdown_wr:
                for (std::size_t i = 0, done = 0; i < ours.size() && (a.count == 0 || int(done) < a.count); ++i) {
                    if (rec.closed_at[i] >= 0 || rec.shut_at[i] >= 0) continue;
                    if (done++ > 0) sleep_ms(a.ms);
                    rec.shut_at[i] = sampler.now();
                    checked(shutdown(ours[i], SHUT_WR), "shutdown(SHUT_WR)");
                }
                break;
            case Act::abort:
                destroy_where([](const DiagSocket& d, const std::vector<Endpoints>& p) {
                    return std::find(p.begin(), p.end(), Endpoints{d.sport, d.dport}) != p.end();
                }, ports);
                break;
            case Act::wait: sleep_ms(a.ms); break;
            case Act::fill_window: fill_windows(ours); break;
            case Act::peer_read:
                for (int fd : peers) readers.emplace_back(read_until_eof, fd);
                break;
        }
    }
    const double deadline = sampler.now() + sc.deadline_s;
    while (!stop_requested() && !sampler.all_gone() && sampler.now() < deadline) sleep_ms(5);
    sleep_ms(150);  // the end, sampled for a while: long enough to tell that close() has run
    rec.all_gone = sampler.all_gone();
    rec.samples = sampler.take(rec.max_gap_ms, rec.error);
    if (stop_requested()) destroy_all_sockets();  // wakes a close() still waiting for its SO_LINGER timeout
    for (std::jthread& t : lingering) t.join();
    readers.clear();  // request_stop and join
    for (const auto& [name, value] : read_tcp_ext()) {
        const auto it = mib_before.find(name);
        const long long before = it == mib_before.end() ? 0 : it->second;
        if (value != before) rec.mib[name] = value - before;
    }
    for (std::size_t i = 0; i < ours.size(); ++i)
        if (rec.closed_at[i] < 0) ::close(ours[i]);
    for (int fd : peers) ::close(fd);
    if (!listener_side) ::close(listener);  // else one of ours, closed above
    return rec;
}

}  // namespace orphancheck::conform
