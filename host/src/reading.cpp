// Reading this process's namespace and the host's global counters. Only reads: /proc and inet_diag dumps.
#include "orphancheck/host/reading.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <sstream>

#include <fmt/format.h>

#include "orphancheck/conform/kernel_config.hpp"
#include "orphancheck/conform/kernel_settings.hpp"

namespace orphancheck::host {
namespace {
long long number(std::string_view name, const std::string& text) {
    long long v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end != text.data() + text.size())
        throw std::runtime_error(fmt::format("{}: '{}' is not a number", name, text));
    return v;
}
int sysctl_int(std::string_view name) { return int(number(name, conform::read_sysctl(name))); }
}  // namespace

NamespaceReading read_current_namespace(const std::string& name) {
    NamespaceReading r;
    r.name = name;
    struct stat st {};
    if (::stat("/proc/self/ns/net", &st) == 0) r.inode = st.st_ino;
    r.sysctls.fin_timeout = sysctl_int("net.ipv4.tcp_fin_timeout");
    r.sysctls.orphan_retries = sysctl_int("net.ipv4.tcp_orphan_retries");
    r.sysctls.max_tw_buckets = sysctl_int("net.ipv4.tcp_max_tw_buckets");
    r.sysctls.retries2 = sysctl_int("net.ipv4.tcp_retries2");
    const conform::SockStat s = conform::read_sockstat();
    r.inuse = s.inuse;
    r.tw = s.tw;
    try {
        r.sockets = conform::dump_tcp_sockets(true);
    } catch (const std::runtime_error& e) {
        throw HostError(fmt::format("host: cannot list the TCP sockets of namespace {} through inet_diag ({}): the "
                                    "kernel needs sock_diag and tcp_diag (CONFIG_INET_DIAG, CONFIG_INET_TCP_DIAG)",
                                    name, e.what()));
    }
    return r;
}

HostReading read_host(std::vector<NamespaceReading> namespaces) {
    HostReading h;
    const conform::SockStat s = conform::read_sockstat();  // the counters are global: any namespace reads them
    h.orphans = s.orphan;
    h.mem_pages = s.mem_pages;
    if (::access("/proc/sys/net/ipv4/tcp_mem", F_OK) == 0) {
        std::istringstream mem(conform::read_sysctl("net.ipv4.tcp_mem"));
        std::array<long long, 3> v{};
        for (long long& x : v)
            if (!(mem >> x)) throw std::runtime_error("net.ipv4.tcp_mem: not three numbers");
        h.tcp_mem = v;
    }
    if (::access("/proc/sys/net/ipv4/tcp_max_orphans", F_OK) == 0) h.max_orphans = sysctl_int("net.ipv4.tcp_max_orphans");
    h.hz = conform::running_kernel_hz();
    h.namespaces = std::move(namespaces);
    return h;
}

}  // namespace orphancheck::host
