#include "named_netns.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <stdexcept>

using orphancheck::conform::ChildResult;

namespace {

void write_all(int fd, const std::string& text) {
    for (std::size_t off = 0; off < text.size();) {
        const ssize_t n = ::write(fd, text.data() + off, text.size() - off);
        if (n > 0) off += std::size_t(n);
        else if (errno != EINTR) return;
    }
}

// Reads until EOF (or error): everything the other end wrote.
std::string read_all(int fd) {
    std::string out;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) out.append(buf, std::size_t(n));
        else if (n == 0 || errno != EINTR) return out;
    }
}

void fail(const std::string& what) { throw std::runtime_error(what + ": " + std::strerror(errno)); }

// The private mount namespace and a tmpfs where the names go (on /run when /run/netns does not exist).
void private_run_netns() {
    if (::unshare(CLONE_NEWNS) != 0) fail("unshare(CLONE_NEWNS)");
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) fail("mount --make-rprivate /");
    const bool exists = ::access("/run/netns", F_OK) == 0;
    if (::mount("oc-test-netns", exists ? "/run/netns" : "/run", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755") != 0)
        fail("mount tmpfs");
    if (!exists && ::mkdir("/run/netns", 0755) != 0) fail("mkdir /run/netns");
}

// The grandchild of one namespace: its situation, its name, then wait for `release` to close.
[[noreturn]] void namespace_main(const NamedNamespace& ns, int ready, int release) {
    const ChildResult r = orphancheck::conform::run_in_private_netns([&](int) {
        const std::vector<int> held = ns.setup();
        const std::string path = "/run/netns/" + ns.name;
        const int f = ::open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
        if (f < 0) fail("create " + path);
        ::close(f);
        if (::mount("/proc/self/ns/net", path.c_str(), nullptr, MS_BIND, nullptr) != 0) fail("bind-mount " + path);
        write_all(ready, "1");
        char c;
        while (::read(release, &c, 1) != 0 && !orphancheck::conform::stop_requested()) {
        }
        for (int fd : held) ::close(fd);
        return 0;
    });
    ::_exit(r.exit_code);
}

// The child: the namespaces, "ready" on ctl_out, wait for a byte on ctl_in, the body.
[[noreturn]] void child_main(const std::vector<NamedNamespace>& namespaces, const std::function<int(int)>& body, int out,
                             int ctl_out, int ctl_in) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    int code = 1;
    std::vector<pid_t> children;
    std::vector<int> releases;
    try {
        private_run_netns();
        for (const NamedNamespace& ns : namespaces) {
            int ready[2], release[2];
            if (::pipe2(ready, O_CLOEXEC) != 0 || ::pipe2(release, O_CLOEXEC) != 0) fail("pipe2");
            const pid_t pid = ::fork();
            if (pid < 0) fail("fork");
            if (pid == 0) {
                for (int fd : {ready[0], release[1], out, ctl_out, ctl_in}) ::close(fd);
                for (int r : releases) ::close(r);
                namespace_main(ns, ready[1], release[0]);
            }
            ::close(ready[1]);
            ::close(release[0]);
            children.push_back(pid);
            releases.push_back(release[1]);
            char ok = 0;
            while (::read(ready[0], &ok, 1) < 0 && errno == EINTR) {
            }
            if (ok != '1') throw std::runtime_error("namespace " + ns.name + ": its setup failed (see stderr)");
            ::close(ready[0]);
        }
        write_all(ctl_out, "ready");
        ::close(ctl_out);
        char go;
        if (::read(ctl_in, &go, 1) == 1) code = body(out);
    } catch (const std::exception& e) {
        write_all(out, std::string("named namespaces: ") + e.what() + "\n");
    }
    for (int r : releases) ::close(r);
    for (pid_t pid : children) ::waitpid(pid, nullptr, 0);
    ::_exit(code);
}

}  // namespace

ChildResult with_named_namespaces(const std::vector<NamedNamespace>& namespaces, const std::function<void()>& on_ready,
                                  const std::function<int(int)>& body) {
    int out[2], up[2], down[2];
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(up, O_CLOEXEC) != 0 || ::pipe2(down, O_CLOEXEC) != 0) fail("pipe2");
    const pid_t pid = ::fork();
    if (pid < 0) fail("fork");
    if (pid == 0) {
        ::close(out[0]);
        ::close(up[0]);
        ::close(down[1]);
        child_main(namespaces, body, out[1], up[1], down[0]);
    }
    ::close(out[1]);
    ::close(up[1]);
    ::close(down[0]);
    ChildResult r;
    std::exception_ptr failed;  // on_ready threw: the child gets no go, ends, and is reaped before rethrowing
    char ready[5] = {};
    std::size_t got = 0;
    for (ssize_t n; got < sizeof ready && ((n = ::read(up[0], ready + got, sizeof ready - got)) > 0 || (n < 0 && errno == EINTR));)
        got += n > 0 ? std::size_t(n) : 0;
    if (got == sizeof ready && std::string(ready, sizeof ready) == "ready") {
        try {
            on_ready();
            write_all(down[1], "g");
        } catch (...) {
            failed = std::current_exception();
        }
    }
    ::close(up[0]);
    ::close(down[1]);
    r.output = read_all(out[0]);
    ::close(out[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (failed) std::rethrow_exception(failed);
    return r;
}
