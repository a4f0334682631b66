// What `orphancheck host` reads, the way the kernel counts: every TCP socket of the chosen network namespaces
// through inet_diag with tcp_info, each namespace's sysctls of the close path, and the global counters
// (/proc/net/sockstat: tcp_orphan_count and tcp_memory_allocated). Reading changes nothing on the host.
#pragma once

#include <array>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "orphancheck/conform/inet_diag.hpp"

namespace orphancheck::host {

// Bad input (a namespace that does not exist, one this user may not enter): a one-line error, exit 2.
struct HostError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The per-namespace sysctls of the close path.
struct NamespaceSysctls {
    int fin_timeout = 60;     // net.ipv4.tcp_fin_timeout
    int orphan_retries = 0;   // net.ipv4.tcp_orphan_retries
    int max_tw_buckets = 0;   // net.ipv4.tcp_max_tw_buckets
    int retries2 = 15;        // net.ipv4.tcp_retries2
};

struct NamespaceReading {
    std::string name;  // "current", the name under /run/netns, or "pid N"
    unsigned long long inode = 0;  // the namespace's inode (/proc/self/ns/net): one namespace, one reading
    NamespaceSysctls sysctls;
    int inuse = 0, tw = 0;  // /proc/net/sockstat of this namespace
    std::vector<conform::DiagSocket> sockets;
};

struct HostReading {
    int orphans = 0;                 // tcp_orphan_count: every namespace's orphans (sockstat "orphan")
    long long mem_pages = 0;         // tcp_memory_allocated (sockstat "mem")
    // net.ipv4.tcp_mem (min, pressure, max pages) and net.ipv4.tcp_max_orphans are global sysctls: /proc/sys
    // shows them only in the initial namespace (none when this process runs in another one).
    std::optional<std::array<long long, 3>> tcp_mem;
    std::optional<int> max_orphans;
    std::optional<int> hz;           // the running kernel's CONFIG_HZ, when readable
    std::vector<NamespaceReading> namespaces;
    std::vector<std::string> unreadable;  // --netns all: why each namespace that exists could not be read
};

// The namespace this process is in.
[[nodiscard]] NamespaceReading read_current_namespace(const std::string& name = "current");
// `spec`: a name under /run/netns, or a process id whose namespace to read (a forked child enters it with
// setns: root, or CAP_SYS_ADMIN). Throws HostError for one that does not exist or may not be entered.
[[nodiscard]] NamespaceReading read_namespace(const std::string& spec);
// Every namespace a process or /run/netns holds, each once (root); why each one that exists could not be read
// is added to `unreadable`.
[[nodiscard]] std::vector<NamespaceReading> read_all_namespaces(std::vector<std::string>& unreadable);
// The global part, read in this process's namespace, and the namespaces given.
[[nodiscard]] HostReading read_host(std::vector<NamespaceReading> namespaces);

}  // namespace orphancheck::host
