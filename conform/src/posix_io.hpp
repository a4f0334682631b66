// Small POSIX helpers of the live-kernel sources: an owned file descriptor,
// errno turned into std::runtime_error, whole-file reads and finding nft.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace orphancheck::conform::detail {

// An owned file descriptor, closed by the destructor.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    Fd& operator=(Fd&& o) noexcept {
        if (this != &o) reset(std::exchange(o.fd_, -1));
        return *this;
    }
    [[nodiscard]] int get() const { return fd_; }
    [[nodiscard]] bool valid() const { return fd_ >= 0; }
    void reset(int fd = -1) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

private:
    int fd_ = -1;
};

// std::runtime_error("<what>: <strerror(err)>").
[[noreturn]] inline void throw_errno(std::string_view what, int err = errno) {
    throw std::runtime_error(std::string(what) + ": " + std::strerror(err));
}

// pipe2(O_CLOEXEC | extra); throws on failure.
inline std::pair<Fd, Fd> make_pipe(int extra_flags = 0) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC | extra_flags) != 0) throw_errno("pipe2");
    return {Fd(p[0]), Fd(p[1])};
}

// Reads the whole file into out; returns 0 or the errno of the failing open/read.
inline int read_whole_file(const std::string& path, std::string& out) {
    out.clear();
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return errno;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n == 0) return 0;
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        out.append(buf, std::size_t(n));
    }
}

// write(2) of all of text, across short writes and EINTR; 0 or the errno of the failing write.
inline int write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno;
        text.remove_prefix(std::size_t(n));
    }
    return 0;
}

// The nft binary: the first executable "nft" on PATH, else /usr/sbin/nft or /sbin/nft; "" if none.
inline std::string find_nft() {
    const char* path = std::getenv("PATH");
    std::string_view dirs = path ? path : "";
    while (!dirs.empty()) {
        const std::size_t colon = dirs.find(':');
        const std::string_view dir = dirs.substr(0, colon);
        dirs = colon == std::string_view::npos ? std::string_view{} : dirs.substr(colon + 1);
        if (dir.empty()) continue;
        std::string candidate = std::string(dir) + "/nft";
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    for (const char* fixed : {"/usr/sbin/nft", "/sbin/nft"})
        if (::access(fixed, X_OK) == 0) return fixed;
    return {};
}

}  // namespace orphancheck::conform::detail
