#include "orphancheck/reports/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <utility>

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

// An open file descriptor, closed when it goes out of scope (release() hands it back first).
struct Fd {
    int fd;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
    int release() { return std::exchange(fd, -1); }
};

// All of `s` to `fd`; with `sync`, flushed to disk as well.
void write_all(int fd, std::string_view s, const std::string& path, bool sync) {
    while (!s.empty()) {
        const ssize_t n = ::write(fd, s.data(), s.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail(path, "write", n < 0 ? errno : EIO);
        s.remove_prefix(std::size_t(n));
    }
    if (sync && ::fsync(fd) != 0) fail(path, "fsync", errno);
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

std::string_view format_of_name(const std::string& path) {
    static const std::pair<std::string_view, std::string_view> kFormats[] = {
        {".dot", "DOT"},   {".gv", "DOT"},    {".svg", "SVG"},   {".png", "PNG"},         {".json", "JSON"},
        {".html", "HTML"}, {".htm", "HTML"},  {".pml", "Promela"}, {".gif", "GIF"},       {".jpg", "JPEG"},
        {".jpeg", "JPEG"}, {".pdf", "PDF"},   {".ps", "PostScript"}, {".eps", "PostScript"}, {".bmp", "BMP"},
        {".tif", "TIFF"},  {".tiff", "TIFF"}, {".webp", "WebP"}};
    if (path == "-") return "";
    std::string ext = std::filesystem::path(path).extension().string();
    for (char& c : ext) c = char(std::tolower(static_cast<unsigned char>(c)));  // x.SVG is an SVG file too
    for (const auto& [e, name] : kFormats)
        if (ext == e) return name;
    return "";
}

void check_output(std::string_view option, const std::string& path, std::initializer_list<std::string_view> writes) {
    if (path == "-") return;
    const std::string_view named = format_of_name(path);
    if (!named.empty() && std::find(writes.begin(), writes.end(), named) == writes.end()) {
        std::string list;
        for (std::size_t i = 0; i < writes.size(); ++i)
            list += std::string(i == 0 ? "" : i + 1 == writes.size() ? " or " : ", ") + std::string(writes.begin()[i]);
        throw OutputError(fmt::format("{}{}the name '{}' says {}, and {} writes {}", option, option.empty() ? "" : ": ",
                                      path, named, option.empty() ? "this output" : option, list));
    }
    check_writable(path);
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
        Fd out{::open(path.c_str(), O_WRONLY | O_CLOEXEC)};
        if (out.fd < 0) fail(given, "open", errno);
        write_all(out.fd, content, given, false);
        if (::close(out.release()) != 0) fail(given, "close", errno);
        return;
    }
    const mode_t mask = ::umask(0);
    ::umask(mask);
    const std::string dir = dir_of(path), tmp = temp_name(path);
    if (Fd unnamed{::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666 & ~mask)}; unnamed.fd >= 0) {
        // Unnamed until it is complete: a killed run leaves nothing behind.
        write_all(unnamed.fd, content, path, true);
        const std::string self = fmt::format("/proc/self/fd/{}", unnamed.fd);
        std::remove(tmp.c_str());
        if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, tmp.c_str(), AT_SYMLINK_FOLLOW) != 0) fail(path, "link", errno);
    } else {  // no O_TMPFILE here: a named temporary file
        Fd named{::open(tmp.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0666 & ~mask)};
        if (named.fd < 0) fail(path, "temporary file", errno);
        try {
            write_all(named.fd, content, path, true);
        } catch (...) {
            std::remove(tmp.c_str());
            throw;
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        std::remove(tmp.c_str());
        fail(path, "rename", err);
    }
}

void write_json(const nlohmann::json& j, const std::string& path) {
    if (path == "-") {
        std::cout << j.dump(2) << "\n";
        return;
    }
    write_file_atomically(path, j.dump(2) + "\n");
}

void check_stdout() {
    std::cout.flush();
    const bool failed = !std::cout || std::fflush(stdout) != 0 || std::ferror(stdout);
    if (failed) throw OutputError("writing standard output failed");
}

}  // namespace orphancheck::reports
