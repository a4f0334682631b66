#include "orphancheck/reports/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "orphancheck/reports/dot.hpp"

namespace orphancheck::reports {
namespace {
std::string dir_of(const std::string& path) {
    const std::filesystem::path p = std::filesystem::path(path).parent_path();
    return p.empty() ? "." : p.string();
}

[[noreturn]] void fail(const std::string& path, const char* what, int err) {
    throw OutputError(fmt::format("cannot write '{}': {}: {}", path, what, std::strerror(err)));
}

void write_all(int fd, std::string_view s, const std::string& path) {
    while (!s.empty()) {
        const ssize_t n = ::write(fd, s.data(), s.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail(path, "write", n < 0 ? errno : EIO);
        s.remove_prefix(std::size_t(n));
    }
    if (::fsync(fd) != 0) fail(path, "fsync", errno);
}

// A hidden name beside the target for the moment before the rename.
std::string temp_name(const std::string& path) {
    const std::filesystem::path p(path);
    return (std::filesystem::path(dir_of(path)) / fmt::format(".{}.{}.tmp", p.filename().string(), ::getpid())).string();
}
}  // namespace

void check_writable(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        throw OutputError(fmt::format("cannot write '{}': it is a directory", path));
    if (::access(dir_of(path).c_str(), W_OK) != 0) fail(path, "its directory", errno);
}

void write_file_atomically(const std::string& given, std::string_view content) {
    check_writable(given);
    // A symbolic link is followed: the file it names is replaced, the link stays.
    std::error_code ec;
    const std::string path =
        std::filesystem::is_symlink(given, ec) ? std::filesystem::weakly_canonical(given, ec).string() : given;
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
        // A device, pipe or socket (/dev/stdout, a FIFO) is written in place: it cannot be replaced, only fed.
        const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
        if (fd < 0) fail(given, "open", errno);
        std::string_view rest = content;
        while (!rest.empty()) {
            const ssize_t n = ::write(fd, rest.data(), rest.size());
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                const int err = n < 0 ? errno : EIO;
                ::close(fd);
                fail(given, "write", err);
            }
            rest.remove_prefix(std::size_t(n));
        }
        if (::close(fd) != 0) fail(given, "close", errno);
        return;
    }
    const mode_t mask = ::umask(0);
    ::umask(mask);
    const std::string dir = dir_of(path), tmp = temp_name(path);
    int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666 & ~mask);
    if (fd >= 0) {  // unnamed until it is complete: a killed run leaves nothing behind
        try {
            write_all(fd, content, path);
        } catch (...) {
            ::close(fd);
            throw;
        }
        const std::string self = fmt::format("/proc/self/fd/{}", fd);
        std::remove(tmp.c_str());
        const bool linked = ::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, tmp.c_str(), AT_SYMLINK_FOLLOW) == 0;
        const int err = errno;
        ::close(fd);
        if (!linked) fail(path, "link", err);
    } else {  // no O_TMPFILE here: a named temporary file
        fd = ::open(tmp.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0666 & ~mask);
        if (fd < 0) fail(path, "temporary file", errno);
        try {
            write_all(fd, content, path);
        } catch (...) {
            ::close(fd);
            std::remove(tmp.c_str());
            throw;
        }
        ::close(fd);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        std::remove(tmp.c_str());
        fail(path, "rename", err);
    }
}

void check_stdout() {
    std::cout.flush();
    const bool failed = !std::cout || std::fflush(stdout) != 0 || std::ferror(stdout);
    if (failed) throw OutputError("writing standard output failed");
}

}  // namespace orphancheck::reports
