// A forked child per run in its own network namespace (lo up), its output
// collected through a pipe; SIGINT/SIGTERM/SIGHUP in the parent stop the
// child, which destroys the namespace's sockets before it exits.
#include "orphancheck/conform/netns.hpp"

#include <linux/netlink.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <exception>

#include <fmt/format.h>

#include "orphancheck/conform/inet_diag.hpp"
#include "posix_io.hpp"

namespace orphancheck::conform {
namespace {

using detail::Fd;
using detail::throw_errno;

constexpr std::array kStopSignals = {SIGINT, SIGTERM, SIGHUP};
constexpr int kBodyThrew = 70;    // exit code of a child whose body threw
constexpr int kSetupFailed = 71;  // exit code of a child that could not enter its namespace

std::atomic<bool> g_child_stop{false};       // child: a stop signal arrived
std::atomic<bool> g_parent_signalled{false};  // parent: a stop signal arrived during a run
std::atomic<int> g_parent_wake_fd{-1};        // parent: self-pipe that wakes the poll loop
std::atomic<bool> g_running{false};           // one run at a time per process
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

void on_child_signal(int) { g_child_stop.store(true); }

// Any thread may take the signal, so besides the flag a byte on the self-pipe wakes the parent's poll.
void on_parent_signal(int) {
    const int saved_errno = errno;
    g_parent_signalled.store(true);
    if (const int fd = g_parent_wake_fd.load(); fd >= 0) {
        const char byte = 0;
        (void)!::write(fd, &byte, 1);
    }
    errno = saved_errno;
}

// Installs handler for the stop signals without SA_RESTART (blocking calls return EINTR).
std::array<struct sigaction, kStopSignals.size()> install_handlers(void (*handler)(int)) {
    std::array<struct sigaction, kStopSignals.size()> old{};
    struct sigaction sa{};
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    for (std::size_t i = 0; i < kStopSignals.size(); ++i) ::sigaction(kStopSignals[i], &sa, &old[i]);
    return old;
}

// Brings lo up (SIOCSIFFLAGS); the kernel gives it 127.0.0.1/8 then.
void bring_loopback_up() {
    Fd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!s.valid()) throw_errno("socket(AF_INET, SOCK_DGRAM)");
    ifreq ifr{};
    std::snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
    if (::ioctl(s.get(), SIOCGIFFLAGS, &ifr) != 0) throw_errno("ioctl(SIOCGIFFLAGS, lo)");
    ifr.ifr_flags = short(ifr.ifr_flags | IFF_UP);
    if (::ioctl(s.get(), SIOCSIFFLAGS, &ifr) != 0) throw_errno("ioctl(SIOCSIFFLAGS, lo up)");
}

void write_text(int fd, const std::string& text) {
    (void)!::write(fd, text.data(), text.size());  // short, below PIPE_BUF
}

// The child: never returns. Setup failures go to setup_fd (and exit kSetupFailed); the
// namespace's sockets are destroyed whatever the body did, but only once we are inside it.
[[noreturn]] void child_main(const std::function<int(int)>& body, pid_t parent, int out_fd, int setup_fd,
                             const sigset_t& old_mask) {
    g_running.store(false);
    g_parent_wake_fd.store(-1);
    install_handlers(on_child_signal);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // a parent killed outright still stops us
    if (::getppid() != parent) g_child_stop.store(true);
    ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
    try {
        if (::unshare(CLONE_NEWNET) != 0) throw_errno("unshare(CLONE_NEWNET)");
        bring_loopback_up();
    } catch (const std::exception& e) {
        write_text(setup_fd, e.what());
        ::_exit(kSetupFailed);
    }
    int code = kBodyThrew;
    try {
        code = body(out_fd);
    } catch (const std::exception& e) {
        fmt::print(stderr, "orphancheck: live-kernel run failed: {}\n", e.what());
    } catch (...) {
        fmt::print(stderr, "orphancheck: live-kernel run failed: unknown exception\n");
    }
    try {
        destroy_all_sockets();
    } catch (const std::exception& e) {
        fmt::print(stderr, "orphancheck: cannot destroy the namespace's sockets: {}\n", e.what());
    }
    std::fflush(nullptr);
    ::_exit(code);
}

// Parent side, for the scope of a run: stop signals blocked (until unblock()) and caught by
// on_parent_signal; everything restored by the destructor.
class ParentSignals {
public:
    explicit ParentSignals(int wake_fd) {
        sigset_t stop;
        sigemptyset(&stop);
        for (const int sig : kStopSignals) sigaddset(&stop, sig);
        ::pthread_sigmask(SIG_BLOCK, &stop, &old_mask_);
        g_parent_signalled.store(false);
        g_parent_wake_fd.store(wake_fd);
        old_actions_ = install_handlers(on_parent_signal);
    }
    ~ParentSignals() { restore(); }
    ParentSignals(const ParentSignals&) = delete;
    ParentSignals& operator=(const ParentSignals&) = delete;
    void unblock() { ::pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr); }
    // The caller's mask and handlers back (once).
    void restore() {
        if (restored_) return;
        restored_ = true;
        unblock();
        for (std::size_t i = 0; i < kStopSignals.size(); ++i) ::sigaction(kStopSignals[i], &old_actions_[i], nullptr);
        g_parent_wake_fd.store(-1);
    }
    [[nodiscard]] const sigset_t& old_mask() const { return old_mask_; }

private:
    sigset_t old_mask_{};
    std::array<struct sigaction, kStopSignals.size()> old_actions_{};
    bool restored_ = false;
};

// Owns the forked child: a destructor that runs before it was reaped (an exception) stops and reaps it.
class ChildProcess {
public:
    explicit ChildProcess(pid_t pid) : pid_(pid) {}
    ~ChildProcess() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGTERM);
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {}
    }
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    [[nodiscard]] pid_t pid() const { return pid_; }
    // waitpid(WNOHANG); true (and status set) once the child was reaped.
    bool try_reap(int& status) {
        const pid_t r = ::waitpid(pid_, &status, WNOHANG);
        if (r < 0 && errno != EINTR) throw_errno("waitpid");
        if (r != pid_) return false;
        pid_ = -1;
        return true;
    }

private:
    pid_t pid_;
};

// Appends what can be read from fd without blocking; sets eof at end of file.
void drain(int fd, std::string& out, bool& eof) {
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
            out.append(buf, std::size_t(n));
            continue;
        }
        if (n == 0) eof = true;
        else if (errno == EINTR) continue;
        else if (errno != EAGAIN) throw_errno("read(child output)");
        return;
    }
}

}  // namespace

bool stop_requested() { return g_child_stop.load(); }

Availability live_kernel_available() {
    if (::geteuid() != 0) return {false, "needs root (CAP_NET_ADMIN) to create network namespaces"};
    if (detail::find_nft().empty()) return {false, "nft not found (apt-get install nftables)"};
    auto [msg_read, msg_write] = detail::make_pipe();
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) return {false, fmt::format("fork: {}", std::strerror(errno))};
    if (pid == 0) {  // a throwaway child: may it unshare and talk sock_diag?
        msg_read.reset();
        std::string why;
        if (::unshare(CLONE_NEWNET) != 0) {
            why = fmt::format("unshare(CLONE_NEWNET): {} (needs CAP_SYS_ADMIN)", std::strerror(errno));
        } else if (Fd diag(::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG)); !diag.valid()) {
            why = fmt::format("socket(NETLINK_SOCK_DIAG): {}", std::strerror(errno));
        } else {
            try {
                bring_loopback_up();
                (void)dump_tcp_sockets();
            } catch (const std::exception& e) {
                why = e.what();
            }
        }
        write_text(msg_write.get(), why);
        ::_exit(why.empty() ? 0 : 1);
    }
    msg_write.reset();
    std::string why;
    for (char buf[512];;) {
        const ssize_t n = ::read(msg_read.get(), buf, sizeof buf);
        if (n > 0) why.append(buf, std::size_t(n));
        else if (n == 0 || errno != EINTR) break;
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {true, {}};
    return {false, why.empty() ? "the namespace probe child failed" : why};
}

ChildResult run_in_private_netns(const std::function<int(int out_fd)>& body) {
    if (g_running.exchange(true)) throw std::runtime_error("run_in_private_netns: a run is already in progress");
    struct Release {
        ~Release() { g_running.store(false); }
    } release;

    auto [out_read, out_write] = detail::make_pipe(O_NONBLOCK);
    auto [setup_read, setup_write] = detail::make_pipe(O_NONBLOCK);
    auto [wake_read, wake_write] = detail::make_pipe(O_NONBLOCK);
    // The child's output end blocks as usual; only the parent's ends are non-blocking.
    if (::fcntl(out_write.get(), F_SETFL, 0) != 0 || ::fcntl(setup_write.get(), F_SETFL, 0) != 0)
        throw_errno("fcntl(F_SETFL)");

    ParentSignals signals(wake_write.get());  // stop signals blocked until the child has its handlers
    std::fflush(nullptr);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) throw_errno("fork");
    if (pid == 0) {
        out_read.reset();
        setup_read.reset();
        wake_read.reset();
        wake_write.reset();
        child_main(body, parent, out_write.get(), setup_write.get(), signals.old_mask());
    }
    ChildProcess child(pid);
    signals.unblock();
    out_write.reset();
    setup_write.reset();

    // pidfd (Linux 5.3+) wakes the poll when the child exits; without it poll every 50 ms.
    Fd pidfd(int(::syscall(SYS_pidfd_open, pid, 0)));
    ChildResult result;
    bool eof = false, told_to_stop = false;
    int status = 0;
    for (;;) {
        if (g_parent_signalled.load() && !told_to_stop) {
            ::kill(pid, SIGTERM);
            told_to_stop = true;
        }
        std::array<pollfd, 3> fds{{{wake_read.get(), POLLIN, 0},
                                   {eof ? -1 : out_read.get(), POLLIN, 0},
                                   {pidfd.valid() ? pidfd.get() : -1, POLLIN, 0}}};
        if (::poll(fds.data(), fds.size(), pidfd.valid() ? -1 : 50) < 0 && errno != EINTR) throw_errno("poll");
        bool ignored = false;
        std::string wake_bytes;
        drain(wake_read.get(), wake_bytes, ignored);
        if (!eof) drain(out_read.get(), result.output, eof);
        if (child.try_reap(status)) break;
    }
    if (!eof) drain(out_read.get(), result.output, eof);  // what was left; a grandchild may hold the pipe
    result.exit_code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
    signals.restore();  // not re-raised: the caller decides what an interrupted run means
    result.interrupted = g_parent_signalled.load();

    std::string setup_error;
    bool setup_eof = false;
    drain(setup_read.get(), setup_error, setup_eof);
    if (!setup_error.empty()) throw std::runtime_error(setup_error);
    return result;
}

}  // namespace orphancheck::conform
