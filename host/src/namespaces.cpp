// Reading another network namespace: a forked child enters it (setns) and sends its reading back as JSON
// through a pipe, so this process never leaves its own namespace.
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "orphancheck/host/reading.hpp"
#include "reading_json.hpp"

namespace orphancheck::host {
namespace {

bool all_digits(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

// The namespace file of `spec` and how to name it.
std::pair<std::string, std::string> namespace_path(const std::string& spec) {
    if (spec.empty() || spec.find('/') != std::string::npos || spec == "." || spec == "..")
        throw HostError(fmt::format("--netns: '{}' is not a namespace name or a process id", spec));
    if (all_digits(spec)) return {"/proc/" + spec + "/ns/net", "pid " + spec};
    return {"/run/netns/" + spec, spec};
}

std::string read_all(int fd) {
    std::string out;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) out.append(buf, std::size_t(n));
        else if (n == 0) return out;
        else if (errno != EINTR) throw std::runtime_error(std::string("read from the namespace reader: ") + std::strerror(errno));
    }
}

NamespaceReading read_through(int ns_fd, const std::string& name) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
    const pid_t child = ::fork();
    if (child < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (child == 0) {
        ::close(p[0]);
        std::string out;
        int code = 0;
        if (::setns(ns_fd, CLONE_NEWNET) != 0) {
            out = fmt::format("cannot enter the namespace {} ({}): root or CAP_SYS_ADMIN is needed", name,
                              std::strerror(errno));
            code = 2;
        } else {
            try {
                out = reading_to_json(read_current_namespace(name)).dump();
            } catch (const HostError& e) {
                out = e.what();
                code = 2;
            } catch (const std::exception& e) {
                out = e.what();
                code = 3;
            }
        }
        for (std::size_t off = 0; off < out.size();) {
            const ssize_t n = ::write(p[1], out.data() + off, out.size() - off);
            if (n <= 0 && errno != EINTR) _exit(4);
            if (n > 0) off += std::size_t(n);
        }
        _exit(code);
    }
    ::close(p[1]);
    std::string text;
    try {
        text = read_all(p[0]);
    } catch (...) {
        ::close(p[0]);
        ::waitpid(child, nullptr, 0);
        throw;
    }
    ::close(p[0]);
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    if (code == 2) throw HostError(text);
    if (code != 0) throw std::runtime_error(fmt::format("reading the namespace {}: {}", name, text.empty() ? "failed" : text));
    return reading_from_json(nlohmann::json::parse(text));
}

}  // namespace

NamespaceReading read_namespace(const std::string& spec) {
    const auto [path, name] = namespace_path(spec);
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        if (err == ENOENT)
            throw HostError(fmt::format("--netns {}: no such namespace ({} does not exist)", spec, path));
        throw HostError(fmt::format("--netns {}: cannot open {}: {}", spec, path, std::strerror(err)));
    }
    try {
        NamespaceReading r = read_through(fd, name);
        ::close(fd);
        return r;
    } catch (...) {
        ::close(fd);
        throw;
    }
}

std::vector<NamespaceReading> read_all_namespaces(std::vector<std::string>& unreadable) {
    if (::geteuid() != 0) throw HostError("--netns all: reading every namespace needs root");
    // One path per namespace inode: named ones first, then the first process found in each other one.
    std::map<unsigned long long, std::string> specs;
    const auto add = [&](const std::string& path, const std::string& spec) {
        struct stat st {};
        if (::stat(path.c_str(), &st) == 0) specs.try_emplace(st.st_ino, spec);
    };
    if (DIR* d = ::opendir("/run/netns")) {
        while (const dirent* e = ::readdir(d))
            if (e->d_name[0] != '.') add(std::string("/run/netns/") + e->d_name, e->d_name);
        ::closedir(d);
    }
    if (DIR* d = ::opendir("/proc")) {
        while (const dirent* e = ::readdir(d))
            if (all_digits(e->d_name)) add(std::string("/proc/") + e->d_name + "/ns/net", e->d_name);
        ::closedir(d);
    }
    struct stat self {};
    ::stat("/proc/self/ns/net", &self);
    std::vector<NamespaceReading> out;
    out.push_back(read_current_namespace());
    for (const auto& [inode, spec] : specs) {
        if (inode == self.st_ino) continue;
        try {
            out.push_back(read_namespace(spec));
        } catch (const HostError& e) {
            // Gone meanwhile (the process exited, the name was deleted) is not a failure; anything else is.
            if (::access(namespace_path(spec).first.c_str(), F_OK) == 0) unreadable.push_back(e.what());
        }
    }
    return out;
}

}  // namespace orphancheck::host
