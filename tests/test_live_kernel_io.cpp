// The live-kernel I/O layer against this machine's kernel: private network
// namespaces, inet_diag dumps and SOCK_DESTROY, sysctls, nft, and a run
// stopped by SIGINT. Every case skips (and says so) without root, nft or
// unshare. Bodies run in a forked child: they report "key=value" lines
// through out_fd and the parent checks them.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "orphancheck/conform/inet_diag.hpp"
#include "orphancheck/conform/kernel_settings.hpp"
#include "orphancheck/conform/netns.hpp"
#include "live_kernel.hpp"

using namespace orphancheck::conform;

namespace {

sockaddr_in loopback(int port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(std::uint16_t(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

int local_port(int fd) {
    sockaddr_in a{};
    socklen_t len = sizeof a;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) throw std::runtime_error("getsockname");
    return ntohs(a.sin_port);
}

// A listener on 127.0.0.1 and an ephemeral port; sets port.
int listen_on_loopback(int& port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a = loopback(0);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 16) != 0)
        throw std::runtime_error("listen on 127.0.0.1");
    port = local_port(fd);
    return fd;
}

// A socket connecting to 127.0.0.1:port; blocking connect unless nonblocking (then it may be in progress).
int connect_to(int port, bool nonblocking = false) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | (nonblocking ? SOCK_NONBLOCK : 0), 0);
    sockaddr_in a = loopback(port);
    if (fd < 0) throw std::runtime_error("socket");
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 && !(nonblocking && errno == EINPROGRESS))
        throw std::runtime_error("connect to 127.0.0.1");
    return fd;
}

void report(int fd, const std::string& text) { (void)!::write(fd, text.data(), text.size()); }

// "key=value" lines of a child's output (the last value of a key wins).
std::map<std::string, std::string> fields(const std::string& output) {
    std::map<std::string, std::string> out;
    std::istringstream in(output);
    for (std::string line; std::getline(in, line);)
        if (const auto eq = line.find('='); eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
    return out;
}

// One line per socket, for the failure messages.
std::string describe(const std::vector<DiagSocket>& socks) {
    std::string s;
    for (const DiagSocket& d : socks)
        s += "sock=" + kernel_state_name(d.state) + " " + std::to_string(d.sport) + "->" + std::to_string(d.dport) +
             " timer " + std::to_string(d.timer) + " inode " + std::to_string(d.inode) + "\n";
    return s;
}

std::string nft_drop_sport(const char* table, int port) {
    return std::string("table inet ") + table +
           " {\n  chain out {\n    type filter hook output priority 0; policy accept;\n    tcp sport " +
           std::to_string(port) + " drop\n  }\n}\n";
}

std::string host_nft_tables() {
    std::string out;
    if (FILE* p = ::popen("nft list tables 2>&1", "r")) {
        char buf[512];
        while (std::fgets(buf, sizeof buf, p)) out += buf;
        ::pclose(p);
    }
    return out;
}

}  // namespace

TEST_CASE("live kernel: state names") {
    CHECK(kernel_state_name(kFinWait1) == "FIN_WAIT1");
    CHECK(kernel_state_name(kNewSynRecv) == "NEW_SYN_RECV");
    CHECK(kernel_state_name(0) == "STATE0");
    CHECK(kernel_state_name(13) == "STATE13");
}

TEST_CASE("live kernel: a private namespace has only lo, no TCP socket, its own tcp_fin_timeout") {
    LIVE_KERNEL_OR_SKIP();
    const std::string host_fin = read_sysctl("net.ipv4.tcp_fin_timeout");
    const ChildResult r = run_in_private_netns([](int out) {
        std::string names;
        if (struct if_nameindex* ifs = ::if_nameindex()) {
            for (struct if_nameindex* i = ifs; i->if_index != 0; ++i) names += std::string(names.empty() ? "" : ",") + i->if_name;
            ::if_freenameindex(ifs);
        }
        write_sysctl("net.ipv4.tcp_fin_timeout", "7");
        report(out, "ifaces=" + names + "\nsockets=" + std::to_string(dump_tcp_sockets().size()) +
                        "\nfin=" + read_sysctl("net.ipv4.tcp_fin_timeout") + "\n");
        return 0;
    });
    INFO(r.output);
    CHECK(r.exit_code == 0);
    CHECK_FALSE(r.interrupted);
    auto f = fields(r.output);
    CHECK(f["ifaces"] == "lo");
    CHECK(f["sockets"] == "0");
    CHECK(f["fin"] == "7");
    CHECK(read_sysctl("net.ipv4.tcp_fin_timeout") == host_fin);
}

TEST_CASE("live kernel: inet_diag sees an orphaned FIN_WAIT2 and its CLOSE_WAIT peer, SOCK_DESTROY clears all") {
    LIVE_KERNEL_OR_SKIP();
    const ChildResult r = run_in_private_netns([](int out) {
        int lport = 0;
        const int listener = listen_on_loopback(lport);
        const int client = connect_to(lport);
        const int server = ::accept(listener, nullptr, nullptr);
        const int cport = local_port(client);
        ::close(client);
        ::usleep(100'000);  // FIN out, ACK back: the orphan is in FIN_WAIT2
        const auto socks = dump_tcp_sockets();
        report(out, describe(socks));
        for (const DiagSocket& d : socks) {
            if (d.sport == cport)
                report(out, "client=" + kernel_state_name(d.state) + "\nclient_tw=" + std::to_string(d.timewait_bucket()) +
                                "\nclient_timer=" + std::to_string(d.timer) + "\nclient_inode=" +
                                std::to_string(d.inode) + "\n");
            if (d.sport == lport && d.dport == cport) report(out, "server=" + kernel_state_name(d.state) + "\n");
        }
        report(out, "destroyed=" + std::to_string(destroy_all_sockets()) + "\n");
        const auto left = dump_tcp_sockets();
        report(out, describe(left) + "left=" + std::to_string(left.size()) + "\n");
        ::close(server);
        ::close(listener);
        return 0;
    });
    INFO(r.output);
    CHECK(r.exit_code == 0);
    auto f = fields(r.output);
    CHECK(f["client"] == "FIN_WAIT2");
    CHECK(f["client_inode"] == "0");
    if (f["client_tw"] == "1") CHECK(f["client_timer"] == "3");
    CHECK(f["server"] == "CLOSE_WAIT");
    CHECK(f["destroyed"] != "0");
    CHECK(f["left"] == "0");
}

TEST_CASE("live kernel: nft rules stay in the private namespace, a malformed script throws") {
    LIVE_KERNEL_OR_SKIP();
    const ChildResult r = run_in_private_netns([](int out) {
        int lport = 0;
        const int listener = listen_on_loopback(lport);
        nft_apply(nft_drop_sport("oc_test", lport));  // the listener's SYN-ACK never leaves
        const int client = connect_to(lport, true);
        const int cport = local_port(client);
        pollfd p{client, POLLOUT, 0};
        report(out, "poll=" + std::to_string(::poll(&p, 1, 500)) + "\n");
        for (const DiagSocket& d : dump_tcp_sockets())
            if (d.sport == cport) report(out, "client=" + kernel_state_name(d.state) + "\n");
        try {
            nft_apply("table inet oc_test {\n  chain broken {\n");
            report(out, "bad=no exception\n");
        } catch (const std::runtime_error& e) {
            report(out, std::string("bad=") + e.what() + "\n");
        }
        ::close(client);
        ::close(listener);
        return 0;
    });
    INFO(r.output);
    CHECK(r.exit_code == 0);
    auto f = fields(r.output);
    CHECK(f["poll"] == "0");
    CHECK(f["client"] == "SYN_SENT");
    CHECK(f["bad"].rfind("nft:", 0) == 0);
    CHECK(host_nft_tables().find("oc_test") == std::string::npos);
}

TEST_CASE("live kernel: GlobalSysctl sets a global sysctl for its scope") {
    LIVE_KERNEL_OR_SKIP();
    const std::string name = "net.ipv4.tcp_max_orphans";
    const std::string before = read_sysctl(name);
    const std::string raised = std::to_string(std::stoll(before) + 1);
    {
        GlobalSysctl g(name, raised);
        CHECK(g.saved() == before);
        CHECK(read_sysctl(name) == raised);
        CHECK_THROWS_WITH(write_sysctl(name, "abc"), "cannot set net.ipv4.tcp_max_orphans to 'abc': Invalid argument");
    }
    CHECK(read_sysctl(name) == before);
    CHECK_THROWS_WITH((void)read_sysctl("net.ipv4.no_such_sysctl"),
                      "cannot read net.ipv4.no_such_sysctl: No such file or directory");
}

TEST_CASE("live kernel: SIGINT stops the run and the namespace's orphans are destroyed") {
    LIVE_KERNEL_OR_SKIP();
    const int baseline = read_sockstat().orphan;
    int ready[2];
    REQUIRE(::pipe2(ready, O_CLOEXEC) == 0);
    std::atomic<int> during{-1}, netns{-1};
    // After the child's "ready" (its pid): hold its namespace open, note the global orphan
    // count, then SIGINT to this whole process (whichever thread takes it).
    std::thread interrupter([&] {
        pollfd p{ready[0], POLLIN, 0};
        char pid[32] = {};
        if (::poll(&p, 1, 15'000) != 1 || ::read(ready[0], pid, sizeof pid - 1) <= 0) return;
        netns = ::open(("/proc/" + std::string(pid) + "/ns/net").c_str(), O_RDONLY | O_CLOEXEC);
        try {
            during = read_sockstat().orphan;
        } catch (...) {
        }
        ::kill(::getpid(), SIGINT);
    });
    const ChildResult r = run_in_private_netns([&ready](int out) {
        int lport = 0;
        const int listener = listen_on_loopback(lport);
        std::vector<int> clients, servers, ports;
        for (int i = 0; i < 3; ++i) {
            clients.push_back(connect_to(lport));
            servers.push_back(::accept(listener, nullptr, nullptr));
            ports.push_back(local_port(clients.back()));
        }
        nft_apply(nft_drop_sport("oc", lport));  // the peers' ACKs of our FINs are lost
        for (const int c : clients) ::close(c);
        ::usleep(50'000);
        const auto socks = dump_tcp_sockets();
        int orphans = 0;
        for (const DiagSocket& d : socks)
            for (const int p : ports) orphans += d.sport == p && d.state == kFinWait1 && d.inode == 0 ? 1 : 0;
        report(out, describe(socks) + "fin_wait1=" + std::to_string(orphans) + "\nready\n");
        report(ready[1], std::to_string(::getpid()));
        for (int ms = 0; ms < 20'000 && !stop_requested(); ++ms) ::usleep(1000);
        report(out, std::string("stopped=") + (stop_requested() ? "1" : "0") + "\n");
        return 0;
    });
    interrupter.join();
    ::close(ready[0]);
    ::close(ready[1]);
    INFO(r.output);
    CHECK(r.interrupted);
    CHECK(r.exit_code == 0);
    auto f = fields(r.output);
    CHECK(f["fin_wait1"] == "3");
    CHECK(f["stopped"] == "1");

    // The namespace outlives the child (we hold it open): no socket is left in it.
    REQUIRE(netns.load() >= 0);
    std::string left = "?";
    std::thread inside([&] {  // setns moves only this thread
        if (::setns(netns.load(), CLONE_NEWNET) == 0) left = describe(dump_tcp_sockets());
    });
    inside.join();
    ::close(netns.load());
    CHECK(left == "");

    // The global orphan count (every namespace) falls back; it is only checked when nothing
    // else on the machine moved it while we ran.
    INFO("orphans: baseline " << baseline << ", during " << during.load());
    int now = read_sockstat().orphan;
    for (int i = 0; i < 20 && now > baseline; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        now = read_sockstat().orphan;
    }
    if (during.load() == baseline + 3) {
        CHECK(now <= baseline);
    } else {
        MESSAGE("global orphan count moved by other TCP traffic (baseline " << baseline << ", during "
                                                                           << during.load() << "): not compared");
    }
}
