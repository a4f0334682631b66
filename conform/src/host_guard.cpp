// The guardian process of a changed global sysctl, restore records and the
// host-wide conform lock (see host_guard.hpp).
#include "orphancheck/conform/host_guard.hpp"

#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "orphancheck/conform/kernel_settings.hpp"
#include "posix_io.hpp"

namespace orphancheck::conform {
namespace {

using detail::Fd;
using detail::throw_errno;
using detail::write_all;

constexpr std::string_view kRecordPrefix = "restore-";
constexpr std::string_view kTempPrefix = ".restore-";
constexpr std::string_view kTempSuffix = ".tmp";

// Our ends of the guardians' socket pairs, and the lock file: every fork() closes the former in
// the child at once (pthread_atfork), so that only this process's death ends a guardian's wait.
// The lock's descriptor is kept: it stays held until the forked children have ended too.
std::array<std::atomic<int>, 8> g_guardian_ends{{-1, -1, -1, -1, -1, -1, -1, -1}};
std::atomic<int> g_lock_fd{-1};
static_assert(std::atomic<int>::is_always_lock_free);

void close_guardian_ends_in_child() {  // async-signal-safe: runs in the child of fork()
    for (auto& end : g_guardian_ends)
        if (const int fd = end.exchange(-1); fd >= 0) ::close(fd);
}

void register_guardian_end(int fd) {
    static std::once_flag atfork;
    std::call_once(atfork, [] {
        if (const int err = ::pthread_atfork(nullptr, nullptr, close_guardian_ends_in_child))
            throw_errno("pthread_atfork", err);
    });
    for (auto& end : g_guardian_ends) {
        int none = -1;
        if (end.compare_exchange_strong(none, fd)) return;
    }
    throw std::runtime_error("sysctl guardian: more than 8 at once");
}

void unregister_guardian_end(int fd) {
    for (auto& end : g_guardian_ends) {
        int mine = fd;
        if (end.compare_exchange_strong(mine, -1)) return;
    }
}

// fd moved to a number >= 3 (with O_CLOEXEC; the old number closed), so that the guardian's stdin/stdout
// redirection leaves it alone. -1 (errno set) on failure.
int above_stdio(int fd) {
    if (fd < 0 || fd >= 3) return fd;
    const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
    const int err = errno;
    ::close(fd);
    errno = err;
    return moved;
}

// state and start time (clock ticks after boot) of a process, from /proc/<pid>/stat.
struct ProcStat {
    char state = '?';
    unsigned long long start = 0;
};

std::optional<ProcStat> proc_stat(pid_t pid) {
    std::string text;
    if (pid <= 0 || detail::read_whole_file(fmt::format("/proc/{}/stat", pid), text) != 0) return std::nullopt;
    const std::size_t paren = text.rfind(')');  // the command name may hold spaces and ')'
    if (paren == std::string::npos || paren + 2 >= text.size()) return std::nullopt;
    ProcStat s;
    s.state = text[paren + 2];
    // Fields after the name: 3 state, 4 ppid, ..., 22 starttime.
    std::size_t pos = paren + 2;
    for (int field = 3; field < 22 && pos != std::string::npos; ++field) {
        pos = text.find(' ', pos);
        if (pos != std::string::npos) ++pos;
    }
    if (pos == std::string::npos) return std::nullopt;
    s.start = std::strtoull(text.c_str() + pos, nullptr, 10);
    return s;
}

// Whether process pid runs (not a zombie) and, when start is not 0, is the one that started then.
bool process_running(pid_t pid, unsigned long long start) {
    const std::optional<ProcStat> s = proc_stat(pid);
    return s && s->state != 'Z' && s->state != 'X' && (start == 0 || s->start == start);
}

std::string boot_id() {
    std::string id;
    if (detail::read_whole_file("/proc/sys/kernel/random/boot_id", id) != 0) return {};
    while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
    return id;
}

// A sysctl name as a record may name it: letters, digits, '_', '-', '.' between components.
bool plausible_sysctl_name(std::string_view name) {
    if (name.empty() || name.size() > 200 || name.front() == '.' || name.back() == '.' ||
        name.find("..") != std::string_view::npos)
        return false;
    for (const char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) return false;
    return true;
}

// A value as a record may hold: integers separated by blanks (as /proc/sys prints them).
bool plausible_sysctl_value(std::string_view value) {
    if (value.empty() || value.size() > 200) return false;
    for (const char c : value)
        if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == ' ' || c == '\t')) return false;
    return true;
}

struct Record {
    std::string name, value, boot;
    pid_t pid = 0;
    unsigned long long start = 0;
};

// Parses "key=value" lines; nullopt unless name, value and pid are there and plausible.
std::optional<Record> parse_record(const std::string& text) {
    std::map<std::string, std::string, std::less<>> kv;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        const std::string_view line(text.data() + pos, end - pos);
        pos = end + 1;
        if (line.empty() || line.front() == '#') continue;
        const std::size_t eq = line.find('=');
        if (eq != std::string_view::npos) kv[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
    }
    Record r;
    r.name = kv["name"];
    r.value = kv["value"];
    r.boot = kv["boot_id"];
    r.pid = pid_t(std::atol(kv["pid"].c_str()));
    r.start = std::strtoull(kv["start"].c_str(), nullptr, 10);
    if (!plausible_sysctl_name(r.name) || !plausible_sysctl_value(r.value) || r.pid <= 0) return std::nullopt;
    return r;
}

// The state directory `dir` under `parent`, if it will do; else why not.
std::optional<std::string> usable_state_dir(const char* parent, const char* dir, std::string& why) {
    if (::access(parent, W_OK) != 0) {
        why += fmt::format("{}: {}; ", parent, std::strerror(errno));
        return std::nullopt;
    }
    if (::mkdir(dir, 0755) != 0 && errno != EEXIST) {
        why += fmt::format("mkdir {}: {}; ", dir, std::strerror(errno));
        return std::nullopt;
    }
    struct stat st {};
    if (::lstat(dir, &st) != 0) {
        why += fmt::format("{}: {}; ", dir, std::strerror(errno));
        return std::nullopt;
    }
    if (!S_ISDIR(st.st_mode) || st.st_uid != ::geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        why += fmt::format("{}: not a directory of this user that only it may write; ", dir);
        return std::nullopt;
    }
    return std::string(dir);
}

// What the guardian needs, prepared before fork(): it allocates nothing.
struct GuardianPlan {
    std::string path, saved, record;
    std::string restored_msg, failed_msg;
    int socket_fd = -1;
    int lock_fd = -1;
    int max_fd = 1024;
};

// Closes every descriptor from 3 on except keep_a and keep_b (either may be -1). Async-signal-safe.
void close_fds_except(int keep_a, int keep_b, int max_fd) {
    if (keep_a > keep_b) std::swap(keep_a, keep_b);
    constexpr int kOpenEnd = std::numeric_limits<int>::max();
    const int ranges[3][2] = {{3, keep_a - 1}, {keep_a + 1, keep_b - 1}, {keep_b + 1, kOpenEnd}};
    for (const auto& range : ranges) {
        const int lo = std::max(range[0], 3);
        const int hi = range[1];
        if (hi < lo) continue;
#ifdef SYS_close_range
        if (::syscall(SYS_close_range, unsigned(lo), hi == kOpenEnd ? ~0U : unsigned(hi), 0U) == 0) continue;
#endif
        for (int fd = lo; fd <= std::min(hi, max_fd); ++fd) ::close(fd);
    }
}

// The guardian: never returns; only async-signal-safe calls.
[[noreturn]] void guardian_main(const GuardianPlan& g) {
    // Stop signals ignored: a Ctrl-C to the group must not end it before its parent restores.
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    struct sigaction fallback {};
    fallback.sa_handler = SIG_DFL;
    sigemptyset(&fallback.sa_mask);
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        const bool ignored = sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT || sig == SIGPIPE ||
                             sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
        ::sigaction(sig, ignored ? &ignore : &fallback, nullptr);  // EINVAL for glibc's own signals: fine
    }
    ::setsid();  // out of the parent's process group and terminal
    (void)!::chdir("/");
    const int null = ::open("/dev/null", O_RDWR);
    if (null >= 0) {
        ::dup2(null, 0);
        ::dup2(null, 1);
    }
    close_fds_except(g.socket_fd, g.lock_fd, g.max_fd);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);

    const char ready = 'r';
    // If even that fails, the parent is gone already: restore (it may have written nothing yet, then
    // this writes back the value it has just read).
    bool parent_there = ::write(g.socket_fd, &ready, 1) == 1;
    while (parent_there) {
        char c = 0;
        const ssize_t n = ::read(g.socket_fd, &c, 1);
        if (n == 1 && c == 'd') ::_exit(0);  // the parent restored the value itself
        if (n == 1 || (n < 0 && errno == EINTR)) continue;
        parent_there = false;  // end of file (or an error): the parent is gone
    }
    bool ok = false;
    const int fd = ::open(g.path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
        ok = write_all(fd, g.saved) == 0;
        ok = ::close(fd) == 0 && ok;
    }
    if (ok) ::unlink(g.record.c_str());
    const std::string& msg = ok ? g.restored_msg : g.failed_msg;
    (void)!::write(2, msg.data(), msg.size());
    ::_exit(ok ? 0 : 1);
}

}  // namespace

std::string host_state_dir() {
    std::string why;
    if (auto dir = usable_state_dir("/run", "/run/orphancheck", why)) return *dir;
    if (auto dir = usable_state_dir("/var/tmp", "/var/tmp/orphancheck", why)) return *dir;
    why.resize(why.size() - 2);
    throw std::runtime_error("no directory for conform's restore records and lock: " + why);
}

std::string restore_record_path(std::string_view name, pid_t pid) {
    return fmt::format("{}/{}{}.{}", host_state_dir(), kRecordPrefix, name, pid);
}

void write_restore_record(const std::string& path, std::string_view name, std::string_view saved) {
    const pid_t self = ::getpid();
    const std::optional<ProcStat> me = proc_stat(self);
    const std::string text = fmt::format(
        "# orphancheck conform changed the global sysctl {name}; if process {pid} ends without writing\n"
        "# the value below back, its guardian or the next `orphancheck conform` does.\n"
        "name={name}\nvalue={value}\npid={pid}\nstart={start}\nboot_id={boot}\n",
        fmt::arg("name", name), fmt::arg("value", saved), fmt::arg("pid", self),
        fmt::arg("start", me ? me->start : 0), fmt::arg("boot", boot_id()));
    const std::size_t slash = path.rfind('/');
    const std::string dir = path.substr(0, slash);
    const std::string temp = fmt::format("{}/{}{}.{}{}", dir, kTempPrefix, name, self, kTempSuffix);
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) throw_errno("restore record: create " + temp);
    int err = write_all(fd, text);
    if (err == 0 && ::fsync(fd) != 0) err = errno;
    if (::close(fd) != 0 && err == 0) err = errno;
    if (err == 0 && ::rename(temp.c_str(), path.c_str()) != 0) err = errno;
    if (err != 0) {
        ::unlink(temp.c_str());
        throw_errno("restore record: write " + path, err);
    }
    // The rename itself durable (a record under /var/tmp must outlive a crash).
    Fd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dfd.valid() || ::fsync(dfd.get()) != 0) throw_errno("restore record: fsync " + dir);
}

std::vector<std::string> apply_leftover_restore_records(std::string_view only_name) {
    const std::string dir = host_state_dir();
    std::vector<std::string> files, temps;
    {
        DIR* d = ::opendir(dir.c_str());
        if (d == nullptr) throw_errno("opendir " + dir);
        while (const dirent* e = ::readdir(d)) {
            const std::string_view n = e->d_name;
            if (n.starts_with(kRecordPrefix)) files.emplace_back(n);
            else if (n.starts_with(kTempPrefix) && n.ends_with(kTempSuffix)) temps.emplace_back(n);
        }
        ::closedir(d);
    }
    // Temporary files of a writer that died before its rename: nothing to apply.
    for (const std::string& t : temps) {
        const std::string_view stem = std::string_view(t).substr(0, t.size() - kTempSuffix.size());
        const pid_t pid = pid_t(std::atol(std::string(stem.substr(stem.rfind('.') + 1)).c_str()));
        if (pid > 0 && !process_running(pid, 0)) ::unlink((dir + "/" + t).c_str());
    }
    std::vector<std::string> lines;
    const std::string boot = boot_id();
    for (const std::string& f : files) {
        const std::string path = dir + "/" + f;
        std::string text;
        if (const int err = detail::read_whole_file(path, text)) {
            if (err != ENOENT) lines.push_back(fmt::format("cannot read the restore record {}: {}", path, std::strerror(err)));
            continue;
        }
        const std::optional<Record> r = parse_record(text);
        if (!r) {
            lines.push_back(fmt::format("the restore record {} is not one of ours: left alone", path));
            continue;
        }
        if (!only_name.empty() && r->name != only_name) continue;
        if (r->pid == ::getpid() || process_running(r->pid, r->start)) {
            if (!only_name.empty())
                throw std::runtime_error(fmt::format("{} was changed by process {}, which has not restored it yet ({})",
                                                     r->name, r->pid, path));
            lines.push_back(fmt::format("the restore record {} belongs to process {}, still running: left alone", path, r->pid));
            continue;
        }
        if (!r->boot.empty() && !boot.empty() && r->boot != boot) {
            if (::unlink(path.c_str()) != 0 && errno != ENOENT) throw_errno("remove " + path);
            lines.push_back(fmt::format("removed the restore record {} of an earlier boot ({}={}, not applied)", path,
                                        r->name, r->value));
            continue;
        }
        const std::string now = read_sysctl(r->name);
        if (now != r->value) write_sysctl(r->name, r->value);
        if (::unlink(path.c_str()) != 0 && errno != ENOENT) throw_errno("remove " + path);
        lines.push_back(now != r->value ? fmt::format("conform (pid {}) ended without restoring {}: set it back from {} to {} ({})",
                                                      r->pid, r->name, now, r->value, path)
                                        : fmt::format("conform (pid {}) ended without removing its restore record: {} is {} as "
                                                      "it names ({} removed)",
                                                      r->pid, r->name, now, path));
    }
    return lines;
}

void SysctlGuardian::start(const std::string& path, const std::string& name, const std::string& saved,
                           const std::string& record) {
    if (pid_ > 0) throw std::logic_error("SysctlGuardian::start: already started");
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) throw_errno("sysctl guardian: socketpair");
    const int ours = above_stdio(sv[0]);
    const int ours_err = errno;
    const int theirs = above_stdio(sv[1]);
    if (ours < 0 || theirs < 0) {
        const int err = ours < 0 ? ours_err : errno;
        if (ours >= 0) ::close(ours);
        if (theirs >= 0) ::close(theirs);
        throw_errno("sysctl guardian: fcntl(F_DUPFD_CLOEXEC)", err);
    }

    GuardianPlan plan;
    plan.path = path;
    plan.saved = saved;
    plan.record = record;
    const pid_t self = ::getpid();
    plan.restored_msg = fmt::format("orphancheck: process {} ended before restoring {}: its guardian wrote {} back\n",
                                    self, name, saved);
    plan.failed_msg = fmt::format("orphancheck: process {} ended before restoring {}: its guardian could not write {} "
                                  "back; the next `orphancheck conform` applies {}\n",
                                  self, name, saved, record);
    plan.socket_fd = theirs;
    plan.lock_fd = g_lock_fd.load();
    rlimit lim{};
    if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY)
        plan.max_fd = int(std::min<rlim_t>(lim.rlim_cur, 1 << 20));

    // Registered before the fork: every child forked from now on (the guardian included) closes it.
    try {
        register_guardian_end(ours);
    } catch (...) {
        ::close(ours);
        ::close(theirs);
        throw;
    }
    // All signals blocked across fork(): the guardian ignores the stop signals before it takes any.
    sigset_t all, old;
    sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, &old);
    const pid_t pid = ::fork();
    if (pid == 0) guardian_main(plan);
    const int fork_err = errno;
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    ::close(theirs);
    if (pid < 0) {
        unregister_guardian_end(ours);
        ::close(ours);
        throw_errno("sysctl guardian: fork", fork_err);
    }
    pid_ = pid;
    owner_ = self;
    fd_ = ours;

    // Ready: it has its signals and session.
    pollfd p{fd_, POLLIN, 0};
    char c = 0;
    int n = 0;
    while ((n = ::poll(&p, 1, 5000)) < 0 && errno == EINTR) {}
    if (n != 1 || ::read(fd_, &c, 1) != 1 || c != 'r') {
        ::kill(pid_, SIGKILL);
        finish(true);
        throw std::runtime_error("sysctl guardian: did not start");
    }
}

void SysctlGuardian::finish(bool done) {
    if (pid_ <= 0 || owner_ != ::getpid()) return;
    if (done) {
        const char byte = 'd';
        (void)!::send(fd_, &byte, 1, MSG_NOSIGNAL);  // if it is gone already, it has nothing left to do
    }
    unregister_guardian_end(fd_);
    ::close(fd_);
    fd_ = -1;
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {}  // ECHILD: reaped by someone else
    pid_ = -1;
}

HostLockBusy::HostLockBusy(pid_t holder, bool holder_ended)
    : std::runtime_error(
          holder <= 0 ? std::string("another orphancheck conform is running: the orphan counter is global")
          : holder_ended
              ? fmt::format("another orphancheck conform (pid {}) has ended, but its processes still hold the lock: "
                            "the orphan counter is global",
                            holder)
              : fmt::format("another orphancheck conform (pid {}) is running: the orphan counter is global", holder)),
      holder_(holder) {}

HostLock::HostLock() : path_(host_state_dir() + "/conform.lock") {
    fd_ = above_stdio(::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644));
    if (fd_ < 0) throw_errno("cannot open the lock file " + path_);
    try {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        for (;;) {
            if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) break;
            if (errno == EINTR) continue;
            if (errno != EWOULDBLOCK) throw_errno("flock " + path_);
            char buf[32] = {};
            const ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
            const pid_t holder = n > 0 ? pid_t(std::atol(buf)) : 0;
            const bool ended = holder > 0 && !process_running(holder, 0);
            if (!ended || std::chrono::steady_clock::now() >= deadline) throw HostLockBusy(holder, ended);
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        const std::string pid = fmt::format("{}\n", ::getpid());
        if (::ftruncate(fd_, 0) != 0) throw_errno("ftruncate " + path_);
        if (::pwrite(fd_, pid.data(), pid.size(), 0) != ssize_t(pid.size())) throw_errno("write " + path_);
    } catch (...) {
        ::close(fd_);
        throw;
    }
    g_lock_fd.store(fd_);
}

HostLock::~HostLock() {
    g_lock_fd.store(-1);
    (void)!::ftruncate(fd_, 0);  // the pid goes; the lock goes with the last descriptor
    ::close(fd_);
}

}  // namespace orphancheck::conform
