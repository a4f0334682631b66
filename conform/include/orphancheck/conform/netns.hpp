// A private network namespace per run: a child process unshares CLONE_NEWNET,
// brings loopback up and runs the body. The namespace, its nft tables, its
// per-namespace sysctls and its sockets belong to that child alone; nothing
// is named under /run/netns. Before the child exits (normally, on an error
// or on SIGINT/SIGTERM) every TCP socket left in the namespace is destroyed
// (SOCK_DESTROY), so no orphan keeps the namespace alive after the run.
#pragma once

#include <functional>
#include <string>

namespace orphancheck::conform {

// Whether this process may create network namespaces, nft tables and
// inet_diag sockets (root, unshare(CLONE_NEWNET), nft on PATH). `why` says
// what is missing, in one line, when not.
struct Availability {
    bool ok = false;
    std::string why;
};
[[nodiscard]] Availability live_kernel_available();

struct ChildResult {
    int exit_code = 0;         // the body's return value; 128+signal if the child was killed
    bool interrupted = false;  // SIGINT/SIGTERM/SIGHUP reached the parent while the child ran
    std::string output;        // everything the body wrote to out_fd
};

// Runs body(out_fd) in a forked child inside a fresh network namespace with lo up.
// While it runs, SIGINT/SIGTERM/SIGHUP in the parent are caught: the child is told to
// stop (SIGTERM), the parent waits for it and returns with interrupted = true, so the
// caller's destructors (GlobalSysctl) run. Throws std::runtime_error when fork/unshare fail.
ChildResult run_in_private_netns(const std::function<int(int out_fd)>& body);

// In the child: true once SIGINT/SIGTERM/SIGHUP arrived; the body's loops poll it
// and return early (the namespace cleanup still runs).
[[nodiscard]] bool stop_requested();

}  // namespace orphancheck::conform
