// Named network namespaces for the live tests of `orphancheck host --netns NAME`, visible to the test alone:
// a child process takes a private mount namespace with its own tmpfs on /run/netns, and each namespace is
// made by conform::run_in_private_netns in a grandchild that builds its situation there and bind-mounts
// the namespace at /run/netns/NAME. The mounts exist only in the child's mount namespace, so when it ends
// (even killed: it dies with the test) the names and the namespaces go with it; the host's /run is never
// written.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "orphancheck/conform/netns.hpp"

struct NamedNamespace {
    std::string name;
    // Runs inside the namespace; the descriptors it returns (the peer's sockets) stay open until the body ends.
    std::function<std::vector<int>()> setup;
};

// Builds every namespace, then runs on_ready() in this process (a change the body must see, such as a global
// sysctl whose guard the caller holds), then body(out_fd) in the child, in this process's network namespace,
// where the names resolve. exit_code: the body's, or 1 with the reason in `output` when a setup failed.
orphancheck::conform::ChildResult with_named_namespaces(const std::vector<NamedNamespace>& namespaces,
                                                        const std::function<void()>& on_ready,
                                                        const std::function<int(int out_fd)>& body);
