// Shared helpers for the tests: build an ExploreSpec from option text, as
// the command line would, and look up property results.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "check_options.hpp"
#include "patch_file.hpp"
#include "orphancheck/checker/explorer.hpp"
#include "orphancheck/checker/socket_space.hpp"

namespace orphancheck::test {

inline checker::ExploreSpec spec_of(const cli::OptionValues& opts, const std::vector<std::string>& props = {}) {
    return cli::build_spec(opts, props);
}

// spec_of(opts), with the rows of patch file `patch` edited (none when empty).
inline checker::ExploreSpec patched_spec_of(const cli::OptionValues& opts, const std::string& patch) {
    checker::ExploreSpec spec = cli::build_spec(opts, {});
    if (!patch.empty()) cli::read_patch_file(patch, spec.patch);
    return spec;
}

// Small configuration: one socket, everything the peer and the options can do.
inline cli::OptionValues one_socket_all() {
    return {{"sockets", "1"}, {"linger2", "all"}, {"fin-timeout", "60,120"}};
}

// Two sockets, no loss and a quiet peer: small enough for the MSM engine.
inline cli::OptionValues two_sockets_lean() {
    return {{"sockets", "2"}, {"linger", "off"}, {"linger2", "sysctl"}, {"unread", "no"},
            {"peer-data", "no"}, {"peer-rst", "no"}, {"fin-timeout", "60"}};
}

inline cli::OptionValues with(cli::OptionValues o, const std::string& key, const std::string& value) {
    o[key] = value;
    return o;
}

// The orphancheck binary run with `args` (shell words): exit code, stdout, stderr.
struct CliRun {
    int code = -1;
    std::string out;  // stdout
    std::string err;  // stderr
};

inline CliRun run_cli(const std::string& args) {
    // Per process: ctest may run several test cases at once in this directory.
    const std::string err_file = "oc_cli_test_stderr_" + std::to_string(getpid()) + ".txt";
    const std::string cmd = std::string(ORPHANCHECK_BIN) + " " + args + " 2>" + err_file;
    CliRun r;
    FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    std::array<char, 4096> buf{};
    std::size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
    const int status = pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream e(err_file);
    r.err.assign(std::istreambuf_iterator<char>(e), {});
    std::remove(err_file.c_str());
    return r;
}

// A shell command (`sh -c`): its standard output (and error, unless `with_stderr` is false), and its exit code.
struct ShellRun {
    int code = -1;
    std::string out;
};

inline ShellRun run_shell(const std::string& cmd, bool with_stderr = true) {
    ShellRun r;
    FILE* p = popen((with_stderr ? cmd + " 2>&1" : cmd).c_str(), "r");
    REQUIRE(p != nullptr);
    std::array<char, 4096> buf{};
    std::size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
    const int status = pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

// The headless browser of the HTML tests (Debian's chromium), or "" where it is not installed.
inline std::string find_chromium() {
    for (const char* c : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
        if (std::ifstream(c).good()) return c;
    return "";
}

// Bad input: exit 2, exactly one line on stderr naming the problem (`names` is in it), no verdict on stdout.
inline void check_refused(const std::string& args, const std::string& names) {
    const CliRun r = run_cli(args);
    INFO("args: " << args << "\nstderr: " << r.err);
    CHECK(r.code == 2);
    CHECK(r.out.find("verdict") == std::string::npos);
    REQUIRE(!r.err.empty());
    CHECK(r.err.find('\n') == r.err.size() - 1);
    CHECK(r.err.find(names) != std::string::npos);
}

// Calls f(move) for every move of every socket configuration of `opts` (one socket, every case, every guard input).
template <class F>
void for_each_socket_move(const cli::OptionValues& opts, F&& f) {
    for (const checker::CaseConfig& c : spec_of(opts).cases) {
        checker::SocketSpace sp(c, checker::Engine::table, {});
        sp.complete(1);
        for (std::size_t i = 0; i < sp.size(); ++i)
            for (int gin : sp.guard_inputs(1))
                for (const checker::SockMove& m : sp.moves(checker::Combo(i), gin)) f(m);
    }
}

inline const checker::PropertyResult& result_of(const checker::ExploreResult& r, properties::PropertyId p) {
    for (const auto& x : r.properties)
        if (x.id == p) return x;
    throw std::logic_error("property not in result");
}

}  // namespace orphancheck::test
