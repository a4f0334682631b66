// `orphancheck host` on real situations in private network namespaces (issue 17), read from outside them by
// name (`--netns NAME`, named in a mount namespace of the test's own: named_netns.hpp): FIN_WAIT1 orphans whose
// FIN is dropped, LAST_ACK orphans, FIN_WAIT2 orphans above 60 s, TIME_WAIT buckets, zero-window orphans and
// tcp_max_orphans exceeded. Each is classified, given a remaining-life window, and with --watch every socket
// dies inside it. Reading changes nothing; the global counter is explained from a namespace that holds none
// of the orphans; --json validates against the schema; a kernel without inet_diag is one line and exit 2.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "orphancheck/conform/inet_diag.hpp"
#include "orphancheck/conform/kernel_settings.hpp"
#include "orphancheck/conform/netns.hpp"
#include "live_kernel.hpp"
#include "named_netns.hpp"

using namespace orphancheck::conform;

namespace {
constexpr int kPort = 5000;
constexpr int kConnections = 10;

enum class Situation { fin_wait1, last_ack, fin_wait2_long, time_wait, zero_window, fin_wait1_slow_rto };

int must(int rc, const char* what) {
    if (rc < 0) throw std::runtime_error(what);
    return rc;
}

std::string run(const std::string& cmd) {
    std::string out;
    if (FILE* p = ::popen((cmd + " 2>&1").c_str(), "r")) {
        char buf[4096];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
        out += "\nexit=" + std::to_string(WEXITSTATUS(::pclose(p))) + "\n";
    }
    return out;
}

void report(int fd, const std::string& text) { (void)!::write(fd, text.data(), text.size()); }

// In the child's namespace: kConnections connections to 127.0.0.1:kPort, closed so that `s` follows; the
// peer's sockets are returned (kept open: the peer neither closes nor goes away).
std::vector<int> make_situation(Situation s) {
    write_sysctl("net.ipv4.tcp_orphan_retries", "2");
    // An RTO of 2 s: time to read the orphans between their retransmissions (tcp_max_orphans exceeded kills
    // each at its next one).
    if (s == Situation::fin_wait1_slow_rto) write_sysctl("net.ipv4.tcp_rto_min_us", "2000000");
    write_sysctl("net.ipv4.tcp_fin_timeout", s == Situation::fin_wait2_long ? "120" : "60");
    nft_apply("table inet ochost {\n chain in { type filter hook input priority 0; policy accept; }\n}\n");
    if (s == Situation::fin_wait1 || s == Situation::last_ack || s == Situation::fin_wait1_slow_rto)
        nft_apply("add rule inet ochost in tcp dport 5000 tcp flags & fin == fin drop\n");
    const int l = must(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket");
    const int one = 1;
    ::setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    const int small = 4096;  // a zero window soon: the peer never reads
    if (s == Situation::zero_window) ::setsockopt(l, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(kPort);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    must(::bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a), "bind");
    must(::listen(l, 64), "listen");
    std::vector<int> ours, peers;
    for (int i = 0; i < kConnections; ++i) {
        const int c = must(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket");
        if (s == Situation::zero_window) ::setsockopt(c, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
        must(::connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a), "connect");
        ours.push_back(c);
        peers.push_back(must(::accept4(l, nullptr, nullptr, SOCK_CLOEXEC), "accept"));
    }
    if (s == Situation::last_ack) {
        for (int p : peers) ::shutdown(p, SHUT_WR);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    if (s == Situation::zero_window) {
        // Write until the send buffer is full: the peer's window is zero, the rest of our data waits.
        static const std::string chunk(4096, 'x');
        for (int c : ours) {
            ::fcntl(c, F_SETFL, O_NONBLOCK);
            while (::write(c, chunk.data(), chunk.size()) > 0) {
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    for (int c : ours) ::close(c);
    if (s == Situation::time_wait)
        for (int p : peers) ::close(p);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return peers;
}

struct HostRun {
    nlohmann::json doc;
    std::string watch;
};

NamedNamespace named(const std::string& name, Situation s) {
    return {name, [s] { return make_situation(s); }};
}

// `orphancheck host --netns NAME...` from outside the namespaces: its JSON, then its --watch text (when
// watch_seconds > 0). on_ready runs in the test's process once the situations are there.
HostRun host_on(const std::vector<NamedNamespace>& namespaces, double watch_seconds,
                const std::function<void()>& on_ready = [] {}) {
    const std::string json_file = "/tmp/oc-host-" + std::to_string(::getpid()) + ".json";
    std::string netns;
    for (const NamedNamespace& n : namespaces) netns += " --netns " + n.name;
    const ChildResult r = with_named_namespaces(namespaces, on_ready, [&](int out) {
        std::string text = run(std::string(ORPHANCHECK_BIN) + " host" + netns + " --json " + json_file);
        if (watch_seconds > 0)
            text += "\n----\n" + run(std::string(ORPHANCHECK_BIN) + " host" + netns + " --watch " + std::to_string(watch_seconds));
        report(out, text);
        return 0;
    });
    INFO("host" << netns << ":\n" << r.output);
    REQUIRE(r.exit_code == 0);
    REQUIRE(r.output.find("exit=0") != std::string::npos);
    HostRun h;
    std::ifstream in(json_file);
    REQUIRE(in.good());
    h.doc = nlohmann::json::parse(in);
    std::remove(json_file.c_str());
    if (const auto w = r.output.find("----"); w != std::string::npos) h.watch = r.output.substr(w);
    return h;
}

// The sockets of the namespaces read with the given kind and state.
std::vector<nlohmann::json> sockets(const nlohmann::json& doc, const std::string& kind, const std::string& state) {
    std::vector<nlohmann::json> out;
    for (const auto& n : doc.at("namespaces"))
        for (const auto& s : n.at("sockets"))
            if (s.at("kind") == kind && s.at("state") == state) out.push_back(s);
    return out;
}

#if defined(__x86_64__)
constexpr std::uint32_t kAuditArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr std::uint32_t kAuditArch = AUDIT_ARCH_AARCH64;
#else
constexpr std::uint32_t kAuditArch = 0;  // the test below skips
#endif

// `orphancheck <args>` on a kernel without sock_diag, as far as the process can tell: a seccomp filter answers
// socket(AF_NETLINK, ...) with EPROTONOSUPPORT. Returns its output and "exit=N".
std::string run_without_netlink(const std::string& args) {
    int p[2];
    if (::pipe(p) != 0) return "pipe failed";
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(p[1], 1);
        ::dup2(p[1], 2);
        ::close(p[0]);
        sock_filter filter[] = {
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kAuditArch, 1, 0),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 3),
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[0])),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_NETLINK, 0, 1),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPROTONOSUPPORT),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        sock_fprog prog{static_cast<unsigned short>(std::size(filter)), filter};
        if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
            ::_exit(120);
        ::execl("/bin/sh", "sh", "-c", (std::string(ORPHANCHECK_BIN) + " " + args).c_str(), static_cast<char*>(nullptr));
        ::_exit(121);
    }
    ::close(p[1]);
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = ::read(p[0], buf, sizeof buf)) > 0;) out.append(buf, std::size_t(n));
    ::close(p[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return out + "\nexit=" + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128) + "\n";
}

// `expected_gone` sockets gone and `expected_buckets` orphans handed to a timewait bucket, each inside its window.
void check_watch(const std::string& text, int expected_gone, int expected_buckets = 0) {
    INFO("host --watch:\n" << text);
    int gone = 0, buckets = 0, inside = 0;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        const bool g = line.find("  gone  ") != std::string::npos, b = line.find("  bucket ") != std::string::npos;
        gone += g ? 1 : 0;
        buckets += b ? 1 : 0;
        inside += (g || b) && line.find("(inside)") != std::string::npos ? 1 : 0;
    }
    CHECK(gone == expected_gone);
    CHECK(buckets == expected_buckets);
    CHECK(inside == gone + buckets);
    CHECK(text.find("0 deaths outside the predicted window") != std::string::npos);
    CHECK(text.find("exit=0") != std::string::npos);
}
}  // namespace

TEST_CASE("host --netns NAME: 10 FIN_WAIT1 orphans whose FIN is dropped: counted, 'FIN not acknowledged', each dies inside its window") {
    LIVE_KERNEL_OR_SKIP();
    const HostRun h = host_on({named("oc-fin-wait1", Situation::fin_wait1)}, 6);
    CHECK(h.doc.at("namespaces").at(0).at("name") == "oc-fin-wait1");
    const auto orphans = sockets(h.doc, "orphan", "FIN_WAIT1");
    CHECK(orphans.size() == kConnections);
    for (const auto& o : orphans) {
        INFO(o.dump());
        CHECK(o.at("counted") == true);
        CHECK(o.at("cause") == "FIN not acknowledged");
        CHECK(o.at("model").get<std::string>().rfind("FIN_WAIT1 orphan", 0) == 0);
        CHECK(o.at("orphan_left").at("max").get<double>() < 4.0);  // tcp_orphan_retries 2: dead about 3.35 s after close()
        CHECK_FALSE(o.at("next_rows").empty());
    }
    CHECK(h.doc.at("summary").at("counted_orphans") == kConnections);
    check_watch(h.watch, kConnections);
}

TEST_CASE("host --netns NAME: LAST_ACK orphans die inside their windows, the peer's shut-down sockets are open, not counted") {
    LIVE_KERNEL_OR_SKIP();
    const HostRun h = host_on({named("oc-last-ack", Situation::last_ack)}, 6);
    const auto orphans = sockets(h.doc, "orphan", "LAST_ACK");
    CHECK(orphans.size() == kConnections);
    for (const auto& o : orphans) {
        INFO(o.dump());
        CHECK(o.at("cause") == "FIN not acknowledged");
        CHECK(o.at("orphan_left").at("max").get<double>() < 4.0);
    }
    CHECK(sockets(h.doc, "open", "FIN_WAIT2").size() == kConnections);
    CHECK(h.doc.at("summary").at("closing_with_file_open") == kConnections);
    check_watch(h.watch, kConnections);
}

// A minute: tcp_fin_timeout 120 keeps a FIN_WAIT2 orphan 60 s on the keepalive timer, then hands it to a bucket
// (no longer an orphan: the watch checks when, against its orphan window); the TIME_WAIT buckets of the other
// namespace go after 60 s meanwhile.
TEST_CASE("host --watch: FIN_WAIT2 orphans (tcp_fin_timeout 120) become buckets and TIME_WAIT buckets go, read by name, inside their windows") {
    LIVE_KERNEL_OR_SKIP();
    const HostRun h = host_on({named("oc-fin-wait2", Situation::fin_wait2_long), named("oc-time-wait", Situation::time_wait)}, 64);
    const auto orphans = sockets(h.doc, "orphan", "FIN_WAIT2");
    CHECK(orphans.size() == kConnections);
    for (const auto& o : orphans) {
        INFO(o.dump());
        CHECK(o.at("counted") == true);
        CHECK(o.at("cause").get<std::string>().find("FIN_WAIT2 above 60 s") == 0);
        CHECK(o.at("orphan_left").at("min").get<double>() > 58);  // 60 s on the keepalive timer
        CHECK(o.at("orphan_left").at("max").get<double>() < 62);
        CHECK(o.at("gone_left").at("max").get<double>() > 118);  // then a FIN_WAIT2 bucket for 60 s
    }
    CHECK(sockets(h.doc, "timewait bucket", "TIME_WAIT").size() == kConnections);
    CHECK(h.doc.at("summary").at("counted_orphans") == kConnections);
    CHECK(h.doc.at("summary").at("timewait_buckets").at("TIME_WAIT") == kConnections);
    check_watch(h.watch, kConnections, kConnections);
}

TEST_CASE("host --netns NAME: zero-window orphans live on the probe timer, and a peer that answers leaves them minutes") {
    LIVE_KERNEL_OR_SKIP();
    const HostRun h = host_on({named("oc-zero-window", Situation::zero_window)}, 0);
    const auto orphans = sockets(h.doc, "orphan", "FIN_WAIT1");
    CHECK(orphans.size() == kConnections);
    for (const auto& o : orphans) {
        INFO(o.dump());
        CHECK(o.at("timer") == 4);
        CHECK(o.at("cause").get<std::string>().rfind("zero window", 0) == 0);
        CHECK(o.at("model").get<std::string>().find("zero-window") != std::string::npos);
        // tcp_orphan_retries 2: no answer kills within a few probes; every probe answered, only the backoff
        // reaching TCP_RTO_MAX does (tcp_retries2 15): a few minutes.
        CHECK(o.at("orphan_left").at("min").get<double>() < 5);
        CHECK(o.at("orphan_left").at("max").get<double>() > 100);
    }
}

// tcp_max_orphans is global: lowered to 0 (restored whatever happens, kill-safe: GlobalSysctl) once the
// orphans exist, between their retransmissions (an RTO of 2 s in their namespace).
TEST_CASE("host: tcp_max_orphans exceeded: tcp_check_oom fires, each orphan is reset at its next timer, inside its window") {
    LIVE_KERNEL_OR_SKIP();
    if (::access("/proc/sys/net/ipv4/tcp_max_orphans", W_OK) != 0 || ::access("/proc/sys/net/ipv4/tcp_rto_min_us", F_OK) != 0) {
        MESSAGE("skipped: needs the initial network namespace (tcp_max_orphans) and net.ipv4.tcp_rto_min_us (Linux 6.11+)");
        return;
    }
    std::optional<GlobalSysctl> max_orphans;
    const HostRun h = host_on({named("oc-max-orphans", Situation::fin_wait1_slow_rto)}, 6, [&] {
        max_orphans.emplace("net.ipv4.tcp_max_orphans", "0");
        std::this_thread::sleep_for(std::chrono::milliseconds(250));  // the kernel's cached count: every 100 ms
    });
    max_orphans.reset();
    const auto& sum = h.doc.at("summary");
    INFO(sum.dump());
    CHECK(sum.at("check_oom_now") == true);
    CHECK(sum.at("check_oom").get<std::string>().find("> tcp_max_orphans 0: tcp_check_oom fires") != std::string::npos);
    const auto orphans = sockets(h.doc, "orphan", "FIN_WAIT1");
    CHECK(orphans.size() == kConnections);
    for (const auto& o : orphans) {
        INFO(o.dump());
        CHECK(o.at("next").get<std::string>().rfind("tcp_check_oom fires", 0) == 0);
        // Reset at the next RTO expiry (the pending timer, or the RTO after a pending loss probe): before the
        // 2 s RTO has run twice, where without tcp_check_oom the orphans live two more retransmissions.
        CHECK(o.at("orphan_left").at("max").get<double>() < 4.5);
    }
    check_watch(h.watch, kConnections);
}

TEST_CASE("host: another namespace without root is refused in one line with exit 2, the current one needs no root") {
    LIVE_KERNEL_OR_SKIP();
    const std::string as_nobody = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
    if (run(as_nobody + "test -x " + ORPHANCHECK_BIN).find("exit=0") == std::string::npos) {
        MESSAGE("skipped: setpriv is missing, or user nobody cannot run " << ORPHANCHECK_BIN);
        return;
    }
    const std::string other = run(as_nobody + ORPHANCHECK_BIN + " host --netns " + std::to_string(::getpid()));
    INFO(other);
    CHECK(other.find("exit=2") != std::string::npos);
    CHECK(other.find("orphancheck: error: --netns ") == 0);
    CHECK(std::count(other.begin(), other.end(), '\n') == 3);  // the error line, then run()'s "\nexit=2\n"
    const std::string own = run(as_nobody + ORPHANCHECK_BIN + " host");
    INFO(own);
    CHECK(own.find("exit=0") != std::string::npos);
}

TEST_CASE("host: the global counter holds orphans of a namespace not read, and reading changes nothing") {
    LIVE_KERNEL_OR_SKIP();
    const ChildResult r = run_in_private_netns([](int out) {
        const auto peers = make_situation(Situation::fin_wait1);
        const auto before = dump_tcp_sockets().size();
        const std::string sysctls_before = read_sysctl("net.ipv4.tcp_fin_timeout") + read_sysctl("net.ipv4.tcp_orphan_retries") +
                                           read_sysctl("net.ipv4.tcp_max_tw_buckets");
        // The test's own namespace (its parent's), read from this one, which holds the orphans.
        const std::string outside =
            run(std::string(ORPHANCHECK_BIN) + " host --netns " + std::to_string(::getppid()) + " --json -");
        const std::string here = run(std::string(ORPHANCHECK_BIN) + " host");
        const std::string sysctls_after = read_sysctl("net.ipv4.tcp_fin_timeout") + read_sysctl("net.ipv4.tcp_orphan_retries") +
                                          read_sysctl("net.ipv4.tcp_max_tw_buckets");
        report(out, "before=" + std::to_string(before) + "\nafter=" + std::to_string(dump_tcp_sockets().size()) +
                        "\nsysctls_same=" + (sysctls_before == sysctls_after ? "yes" : "no") + "\n----\n" + outside +
                        "\n----\n" + here);
        for (int p : peers) ::close(p);
        return 0;
    });
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK(r.output.find("sysctls_same=yes") != std::string::npos);
    const auto b = r.output.find("before="), a = r.output.find("after=");
    CHECK(r.output.substr(b + 7, r.output.find('\n', b) - b - 7) == r.output.substr(a + 6, r.output.find('\n', a) - a - 6));
    const auto first = r.output.find("----\n") + 5;
    const auto doc = nlohmann::json::parse(r.output.substr(first, r.output.find("\nexit=", first) - first));
    CHECK(doc.at("summary").at("orphans_elsewhere").get<int>() >= kConnections);
    CHECK(r.output.find("10 counted orphans in the namespace read") != std::string::npos);
}

TEST_CASE("host: --json validates against schemas/host.schema.json") {
    LIVE_KERNEL_OR_SKIP();
    if (std::system("/usr/bin/python3 -c 'import jsonschema' 2>/dev/null") != 0) {
        MESSAGE("skipped: Debian's python3-jsonschema is not installed");
        return;
    }
    const HostRun h = host_on({named("oc-schema", Situation::fin_wait1)}, 0);
    const std::string file = "/tmp/oc-host-schema-" + std::to_string(::getpid()) + ".json";
    std::ofstream(file) << h.doc.dump();
    const std::string schema = std::string(ORPHANCHECK_CHECKS) + "/../schemas/host.schema.json";
    const std::string out = run("/usr/bin/python3 -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), "
                                "json.load(open(sys.argv[2])))' " + file + " " + schema);
    std::remove(file.c_str());
    INFO(out);
    CHECK(out.find("exit=0") != std::string::npos);
}

TEST_CASE("host: bad input is one line and exit 2") {
    for (const char* args : {"host --netns no-such-namespace", "host --netns ../etc", "host --watch -3",
                             "host --explain 127.0.0.1:1 --netns 999999999", "host --json /nonexistent-dir/x.json"}) {
        const std::string out = run(std::string(ORPHANCHECK_BIN) + " " + args);
        INFO(args << ": " << out);
        CHECK(out.find("exit=2") != std::string::npos);
        CHECK(out.find("orphancheck: error: ") == 0);
    }
}

TEST_CASE("host: a kernel without sock_diag (socket(AF_NETLINK) refused) is one line naming inet_diag, exit 2") {
    if (kAuditArch == 0) {
        MESSAGE("skipped: the seccomp filter of this test knows x86_64 and aarch64 only");
        return;
    }
    const std::string out = run_without_netlink("host");
    INFO(out);
    CHECK(out.find("orphancheck: error: host: cannot list the TCP sockets of namespace current through inet_diag") == 0);
    CHECK(out.find("Protocol not supported") != std::string::npos);
    CHECK(std::count(out.begin(), out.end(), '\n') == 3);  // the error line, then "\nexit=2\n"
    CHECK(out.find("exit=2") != std::string::npos);
}
