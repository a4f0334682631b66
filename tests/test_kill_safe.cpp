// Kill-safety of `orphancheck conform` (host_guard.hpp): a conform killed
// outright during a tcp_max_orphans scenario leaves the global sysctl as it
// was (its guardian process writes it back), a restore record left by a run
// whose guardian died too is applied at the next start, and one host-wide
// lock keeps a second conform out. Every case skips (and says so) without
// root, network namespaces or nft, and writes the host's value back itself
// whatever happens.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "helpers.hpp"
#include "live_kernel.hpp"
#include "orphancheck/conform/host_guard.hpp"
#include "orphancheck/conform/kernel_settings.hpp"

namespace {
using namespace orphancheck;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

const std::string kMaxOrphans = "net.ipv4.tcp_max_orphans";

std::string slurp(const std::string& path) {
    std::ifstream f(path);
    return {std::istreambuf_iterator<char>(f), {}};
}

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// The host's value of a sysctl, written back when the test ends if it was left changed.
class KeepSysctl {
public:
    explicit KeepSysctl(std::string name) : name_(std::move(name)), value_(conform::read_sysctl(name_)) {}
    ~KeepSysctl() {
        try {
            if (const std::string now = conform::read_sysctl(name_); now != value_) {
                std::fprintf(stderr, "test_kill_safe: %s was left at %s: writing %s back\n", name_.c_str(), now.c_str(),
                             value_.c_str());
                conform::write_sysctl(name_, value_);
            }
        } catch (const std::exception& e) {
            std::fprintf(stderr, "test_kill_safe: cannot restore %s to %s: %s\n", name_.c_str(), value_.c_str(), e.what());
        }
    }
    KeepSysctl(const KeepSysctl&) = delete;
    KeepSysctl& operator=(const KeepSysctl&) = delete;
    [[nodiscard]] const std::string& value() const { return value_; }

private:
    std::string name_, value_;
};

// Reads the sysctl every `step` until done(value) or `limit` passed; returns the last value read.
std::string poll_sysctl(const std::string& name, const std::function<bool(const std::string&)>& done,
                        std::chrono::milliseconds limit, std::chrono::milliseconds step) {
    const auto until = Clock::now() + limit;
    std::string value = conform::read_sysctl(name);
    while (!done(value) && Clock::now() < until) {
        std::this_thread::sleep_for(step);
        value = conform::read_sysctl(name);
    }
    return value;
}

// `orphancheck <args>` as a child of this process, stdout and stderr to files; killed and reaped by
// the destructor if the test did not wait for it.
class CliProcess {
public:
    explicit CliProcess(const std::vector<std::string>& args) {
        static int count = 0;
        const std::string stem = fmt::format("oc_kill_safe_{}_{}", ::getpid(), count++);
        out_ = stem + ".out";
        err_ = stem + ".err";
        std::vector<std::string> words{ORPHANCHECK_BIN};
        words.insert(words.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (std::string& w : words) argv.push_back(w.data());
        argv.push_back(nullptr);
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            const int out = ::open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            const int err = ::open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (out < 0 || err < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) ::_exit(126);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
    }
    ~CliProcess() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            (void)wait();
        }
        std::remove(out_.c_str());
        std::remove(err_.c_str());
    }
    CliProcess(const CliProcess&) = delete;
    CliProcess& operator=(const CliProcess&) = delete;

    [[nodiscard]] pid_t pid() const { return pid_; }
    // Reaps it: its exit code, or 128 + the signal that killed it.
    int wait() {
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0)
            if (errno != EINTR) return -1;
        pid_ = -1;
        return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
    }
    [[nodiscard]] std::string out() const { return slurp(out_); }
    [[nodiscard]] std::string err() const { return slurp(err_); }

private:
    pid_t pid_ = -1;
    std::string out_, err_;
};

// pidfds of the children of `parent` (from /proc/*/stat), to wait for them once they are reparented.
std::vector<int> pidfds_of_children(pid_t parent) {
    std::vector<int> fds;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const std::string name = entry.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        const std::string stat = slurp("/proc/" + name + "/stat");
        const std::size_t paren = stat.rfind(')');
        if (paren == std::string::npos) continue;
        std::istringstream rest(stat.substr(paren + 2));
        char state = 0;
        pid_t ppid = 0;
        rest >> state >> ppid;
        if (ppid != parent) continue;
        if (const int fd = int(::syscall(SYS_pidfd_open, std::stoi(name), 0)); fd >= 0) fds.push_back(fd);
    }
    return fds;
}

// Waits until the process of pidfd ends, up to `limit`; closes the pidfd. Whether it ended.
bool wait_pidfd(int fd, std::chrono::milliseconds limit) {
    pollfd p{fd, POLLIN, 0};
    int n = 0;
    while ((n = ::poll(&p, 1, int(limit.count()))) < 0 && errno == EINTR) {}
    ::close(fd);
    return n == 1;
}

// A pid that was just used and has ended (a reaped child).
pid_t ended_pid() {
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) ::_exit(0);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    return pid;
}

std::string boot_id() {
    std::string id = slurp("/proc/sys/kernel/random/boot_id");
    while (!id.empty() && id.back() == '\n') id.pop_back();
    return id;
}

}  // namespace

TEST_CASE("live kernel: kill-safe: SIGKILL of conform during a tcp_max_orphans scenario: its guardian restores the sysctl within 1 s") {
    LIVE_KERNEL_OR_SKIP();
    const KeepSysctl host(kMaxOrphans);
    CliProcess run({"conform", "--scenario", "max-orphans"});
    const std::string during = poll_sysctl(
        kMaxOrphans, [&](const std::string& v) { return v != host.value(); }, 20s, 10ms);
    INFO("conform's stderr: " << run.err());
    REQUIRE_MESSAGE(during != host.value(), "tcp_max_orphans stayed " << during << " for 20 s: the run never set it");
    // Its namespace child (PR_SET_PDEATHSIG) and its guardian must end on their own once it is killed.
    // The sysctl is written before the namespace child is forked: wait (up to 5 s) until both exist.
    std::vector<int> others;
    for (const auto until = Clock::now() + 5s;;) {
        others = pidfds_of_children(run.pid());
        if (others.size() >= 2 || Clock::now() > until) break;
        for (const int fd : others) ::close(fd);
        std::this_thread::sleep_for(5ms);
    }
    CHECK_MESSAGE(others.size() >= 2, "conform has " << others.size()
                                                    << " child process(es) 5 s after it set the sysctl, not its guardian "
                                                       "and its namespace child");

    const pid_t pid = run.pid();
    const auto killed = Clock::now();
    REQUIRE(::kill(pid, SIGKILL) == 0);
    const std::string after = poll_sysctl(
        kMaxOrphans, [&](const std::string& v) { return v == host.value(); }, 1000ms, 1ms);
    const double delay_ms = ms_since(killed);
    CHECK_MESSAGE(after == host.value(), "1 s after SIGKILL tcp_max_orphans is " << after << ", not the host's "
                                                                                 << host.value() << " (it was " << during
                                                                                 << " during the run)");
    MESSAGE(fmt::format("tcp_max_orphans {} -> {} {:.1f} ms after SIGKILL", during, after, delay_ms));
    CHECK(run.wait() == 128 + SIGKILL);

    for (const int fd : others) CHECK_MESSAGE(wait_pidfd(fd, 10'000ms), "a process of the killed run still runs after 10 s");
    CHECK(run.err().find(fmt::format("process {} ended before restoring {}: its guardian wrote {} back", pid, kMaxOrphans,
                                     host.value())) != std::string::npos);
    CHECK_FALSE(exists(conform::restore_record_path(kMaxOrphans, pid)));
}

TEST_CASE("live kernel: kill-safe: a second conform refuses at once with exit 2 while one runs and the first agrees") {
    LIVE_KERNEL_OR_SKIP();
    const KeepSysctl host(kMaxOrphans);
    CliProcess first({"conform", "--scenario", "max-orphans"});
    const std::string during = poll_sysctl(
        kMaxOrphans, [&](const std::string& v) { return v != host.value(); }, 20s, 10ms);
    REQUIRE_MESSAGE(during != host.value(), "tcp_max_orphans stayed " << during << " for 20 s: the first run never set it");

    const auto started = Clock::now();
    const test::CliRun second = test::run_cli("conform --scenario fin-wait1");
    const double took_ms = ms_since(started);
    INFO("second conform: exit " << second.code << ", stderr: " << second.err);
    CHECK(second.code == 2);
    CHECK(second.err.find(fmt::format("another orphancheck conform (pid {}) is running: the orphan counter is global",
                                      first.pid())) != std::string::npos);
    CHECK(took_ms < 5000);
    CHECK(conform::read_sysctl(kMaxOrphans) == during);  // the second touched nothing

    const int code = first.wait();
    const std::string out = first.out();
    INFO("first conform: exit " << code << ", stdout:\n" << out << "stderr:\n" << first.err());
    CHECK(code == 0);
    CHECK(out.find(fmt::format("\n{:<26} agree ", "max-orphans")) != std::string::npos);
    CHECK(conform::read_sysctl(kMaxOrphans) == host.value());
}

TEST_CASE("live kernel: kill-safe: the host lock names its holder and ends with it") {
    LIVE_KERNEL_OR_SKIP();
    const std::string busy =
        fmt::format("another orphancheck conform (pid {}) is running: the orphan counter is global", ::getpid());
    {
        const conform::HostLock lock;
        CHECK(slurp(lock.path()) == fmt::format("{}\n", ::getpid()));
        CHECK_THROWS_WITH_AS(conform::HostLock{}, busy.c_str(), conform::HostLockBusy);
        // A conform started meanwhile refuses.
        const test::CliRun other = test::run_cli("conform --scenario fin-wait1");
        CHECK(other.code == 2);
        CHECK(other.err == "orphancheck: error: " + busy + "\n");
    }
    const conform::HostLock again;  // released with the first
    CHECK(slurp(again.path()) == fmt::format("{}\n", ::getpid()));
}

TEST_CASE("live kernel: kill-safe: GlobalSysctl's guardian ignores stop signals and its restore record lasts as long as the change") {
    LIVE_KERNEL_OR_SKIP();
    const KeepSysctl host(kMaxOrphans);
    const std::string raised = std::to_string(std::stoll(host.value()) + 1);
    pid_t guardian = -1;
    std::string record;
    {
        const conform::GlobalSysctl g(kMaxOrphans, raised);
        guardian = g.guardian_pid();
        record = g.record_path();
        REQUIRE(guardian > 0);
        CHECK(conform::read_sysctl(kMaxOrphans) == raised);
        CHECK(record == conform::restore_record_path(kMaxOrphans, ::getpid()));
        CHECK(slurp(record).find(fmt::format("\nname={}\nvalue={}\npid={}\n", kMaxOrphans, host.value(), ::getpid())) !=
              std::string::npos);
        // What a Ctrl-C, a kill or a hang-up would send: none ends it; it has a session of its own.
        for (const int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) CHECK(::kill(guardian, sig) == 0);
        std::this_thread::sleep_for(100ms);
        int status = 0;
        CHECK(::waitpid(guardian, &status, WNOHANG) == 0);
        CHECK(::getsid(guardian) == guardian);
        CHECK(conform::read_sysctl(kMaxOrphans) == raised);
    }
    CHECK(conform::read_sysctl(kMaxOrphans) == host.value());
    CHECK_FALSE(exists(record));
    CHECK(::kill(guardian, 0) != 0);  // reaped by the destructor
}

TEST_CASE("live kernel: kill-safe: a leftover restore record of a run killed with its guardian is applied at the next start") {
    LIVE_KERNEL_OR_SKIP();
    const KeepSysctl host(kMaxOrphans);
    const std::string raised = std::to_string(std::stoll(host.value()) + 1);
    const std::string boot = boot_id();
    REQUIRE(!boot.empty());
    // A run (pid `dead`) changed the value to `raised` and died with its guardian; another record comes
    // from before a reboot, and must be dropped without being applied.
    const pid_t dead = ended_pid();
    const pid_t dead_earlier_boot = ended_pid();
    const std::string record = conform::restore_record_path(kMaxOrphans, dead);
    const std::string stale = conform::restore_record_path(kMaxOrphans, dead_earlier_boot);
    {
        std::ofstream f(record);
        REQUIRE((f << fmt::format("name={}\nvalue={}\npid={}\nstart=1\nboot_id={}\n", kMaxOrphans, host.value(), dead, boot)));
        std::ofstream g(stale);
        REQUIRE((g << fmt::format("name={}\nvalue=1\npid={}\nstart=1\nboot_id=00000000-0000-0000-0000-000000000000\n",
                                  kMaxOrphans, dead_earlier_boot)));
    }
    conform::write_sysctl(kMaxOrphans, raised);

    const test::CliRun r = test::run_cli("conform --scenario fin-wait1");
    INFO("exit " << r.code << ", stderr: " << r.err);
    CHECK(r.code == 0);
    CHECK(conform::read_sysctl(kMaxOrphans) == host.value());
    CHECK_FALSE(exists(record));
    CHECK_FALSE(exists(stale));
    // One line each.
    CHECK(r.err.find(fmt::format("orphancheck: conform (pid {}) ended without restoring {}: set it back from {} to {} ({})\n",
                                 dead, kMaxOrphans, raised, host.value(), record)) != std::string::npos);
    CHECK(r.err.find(fmt::format("orphancheck: removed the restore record {} of an earlier boot ({}=1, not applied)\n",
                                 stale, kMaxOrphans)) != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 2);
}
