// Sysctls through /proc/sys, a global sysctl restored on scope exit (and by
// its guardian process if this one is killed), and nftables scripts fed to
// `nft -f -`.
#include "orphancheck/conform/kernel_settings.hpp"

#include <sys/mman.h>
#include <sys/wait.h>

#include <cstdio>
#include <stdexcept>

#include <fmt/format.h>

#include "posix_io.hpp"

namespace orphancheck::conform {
namespace {

using detail::Fd;
using detail::throw_errno;
using detail::write_all;

// "net.ipv4.tcp_fin_timeout" -> "/proc/sys/net/ipv4/tcp_fin_timeout" ('/' in a name stands for '.').
std::string sysctl_path(std::string_view name) {
    std::string path = "/proc/sys/";
    for (const char c : name) path += c == '.' ? '/' : c == '/' ? '.' : c;
    return path;
}

}  // namespace

std::string read_sysctl(std::string_view name) {
    std::string value;
    if (const int err = detail::read_whole_file(sysctl_path(name), value))
        throw std::runtime_error(fmt::format("cannot read {}: {}", name, std::strerror(err)));
    while (!value.empty() && (value.back() == '\n' || value.back() == ' ' || value.back() == '\t')) value.pop_back();
    return value;
}

void write_sysctl(std::string_view name, std::string_view value) {
    Fd fd(::open(sysctl_path(name).c_str(), O_WRONLY | O_CLOEXEC));
    const int err = !fd.valid() ? errno : write_all(fd.get(), value);
    if (err != 0) throw std::runtime_error(fmt::format("cannot set {} to '{}': {}", name, value, std::strerror(err)));
}

GlobalSysctl::GlobalSysctl(std::string name, std::string_view value) : name_(std::move(name)) {
    for (const std::string& line : apply_leftover_restore_records(name_)) fmt::print(stderr, "orphancheck: {}\n", line);
    saved_ = read_sysctl(name_);
    record_ = restore_record_path(name_, ::getpid());
    write_restore_record(record_, name_, saved_);
    try {
        guardian_.start(sysctl_path(name_), name_, saved_, record_);
        write_sysctl(name_, value);
    } catch (...) {
        ::unlink(record_.c_str());
        guardian_.dismiss();  // nothing changed
        throw;
    }
    owner_ = ::getpid();
}

GlobalSysctl::~GlobalSysctl() {
    if (owner_ != ::getpid()) return;
    try {
        write_sysctl(name_, saved_);
    } catch (const std::exception& e) {
        // The guardian tries as well; if it fails too, the record stays for the next conform.
        fmt::print(stderr, "orphancheck: restoring a sysctl failed: {}\n", e.what());
        guardian_.abandon();
        return;
    }
    if (::unlink(record_.c_str()) != 0 && errno != ENOENT)
        fmt::print(stderr, "orphancheck: cannot remove the restore record {}: {}\n", record_, std::strerror(errno));
    guardian_.dismiss();
}

void nft_apply(std::string_view script) {
    const std::string nft = detail::find_nft();
    if (nft.empty()) throw std::runtime_error("nft: not found (apt-get install nftables)");
    // The script goes in through an in-memory file as nft's stdin: no pipe to block on, no SIGPIPE.
    Fd input(::memfd_create("oc-nft-script", MFD_CLOEXEC));
    if (!input.valid()) throw_errno("nft: memfd_create");
    if (const int err = write_all(input.get(), script)) throw_errno("nft: write script", err);
    if (::lseek(input.get(), 0, SEEK_SET) != 0) throw_errno("nft: lseek");
    auto [err_read, err_write] = detail::make_pipe();
    Fd null(::open("/dev/null", O_WRONLY | O_CLOEXEC));
    if (!null.valid()) throw_errno("nft: open /dev/null");

    const char* argv[] = {nft.c_str(), "-f", "-", nullptr};
    const pid_t pid = ::fork();
    if (pid < 0) throw_errno("nft: fork");
    if (pid == 0) {  // only async-signal-safe calls from here on
        if (::dup2(input.get(), 0) < 0 || ::dup2(null.get(), 1) < 0 || ::dup2(err_write.get(), 2) < 0) ::_exit(127);
        ::execv(argv[0], const_cast<char* const*>(argv));
        static constexpr char kMsg[] = "cannot execute nft\n";
        (void)!::write(2, kMsg, sizeof kMsg - 1);
        ::_exit(127);
    }
    err_write.reset();
    std::string errors;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(err_read.get(), buf, sizeof buf);
        if (n > 0) errors.append(buf, std::size_t(n));
        else if (n == 0 || errno != EINTR) break;
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) throw_errno("nft: waitpid");
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
    std::string first = errors.substr(0, errors.find('\n'));
    if (first.empty())
        first = WIFEXITED(status) ? fmt::format("exited with status {}", WEXITSTATUS(status))
                                  : fmt::format("killed by signal {}", WTERMSIG(status));
    throw std::runtime_error("nft: " + first);
}

}  // namespace orphancheck::conform
