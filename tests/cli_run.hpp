// The command and shell commands as the tests run them (light: no model headers, for the tests of the command
// line, the install and the pictures).
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include <doctest/doctest.h>

namespace orphancheck::test {

// What a run of the orphancheck binary gave: exit code, stdout, stderr.
struct CliRun {
    int code = -1;
    std::string out;  // stdout
    std::string err;  // stderr
};

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

// The orphancheck binary run with `args` (shell words).
inline CliRun run_cli(const std::string& args) {
    // Per process: ctest may run several test cases at once in this directory.
    const std::string err_file = "oc_cli_test_stderr_" + std::to_string(getpid()) + ".txt";
    const ShellRun run = run_shell(std::string(ORPHANCHECK_BIN) + " " + args + " 2>" + err_file, false);
    CliRun r{run.code, run.out, {}};
    std::ifstream e(err_file);
    r.err.assign(std::istreambuf_iterator<char>(e), {});
    std::remove(err_file.c_str());
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

}  // namespace orphancheck::test
