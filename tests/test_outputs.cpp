// Outputs: a report file is replaced only by a complete new one, a bad path is refused before the run, and a
// write that fails (standard output included) is an error, never a silent success.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "helpers.hpp"

using namespace orphancheck;
namespace fs = std::filesystem;

namespace {
std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    return {std::istreambuf_iterator<char>(in), {}};
}

struct ScratchDir {
    fs::path path = fs::temp_directory_path() / ("oc-outputs-" + std::to_string(getpid()));
    ScratchDir() { fs::create_directories(path); }
    ~ScratchDir() { fs::remove_all(path); }
    [[nodiscard]] std::size_t entries() const {
        return std::size_t(std::distance(fs::directory_iterator(path), fs::directory_iterator{}));
    }
};
}  // namespace

TEST_CASE("outputs: a run killed with SIGKILL leaves the old report as it was, and no partial file") {
    const ScratchDir dir;
    const fs::path report = dir.path / "report.json";
    std::ofstream(report) << "old report\n";
    // Three sockets with every default choice run for minutes: the kill lands in the middle of the run.
    const std::string cmd = "sh -c '" + std::string(ORPHANCHECK_BIN) + " check --sockets 3 --json " + report.string() +
                            " >/dev/null 2>&1 & p=$!; sleep 1; kill -9 $p; wait $p; exit 0'";
    REQUIRE(std::system(cmd.c_str()) == 0);
    CHECK(slurp(report) == "old report\n");
    CHECK(dir.entries() == 1);
}

TEST_CASE("outputs: a finished run replaces the report whole") {
    const ScratchDir dir;
    const fs::path report = dir.path / "report.json";
    std::ofstream(report) << "old report\n";
    const auto run = test::run_cli("check --sockets 1 --quiet --json " + report.string());
    INFO(run.err);
    CHECK(run.code == 0);
    const std::string text = slurp(report);
    CHECK(text.starts_with("{"));
    CHECK(text.find("\"verdict\": \"pass\"") != std::string::npos);
    CHECK(dir.entries() == 1);
}

TEST_CASE("outputs: a report write that fails (the file size limit) is exit 2 and the old report stays byte for byte") {
    const ScratchDir dir;
    const fs::path report = dir.path / "report.json";
    const std::string old = "old report\n";
    std::ofstream(report) << old;
    const fs::path err = dir.path / "err.txt";
    // SIGXFSZ ignored: a write past RLIMIT_FSIZE fails with EFBIG instead of killing the process.
    const std::string cmd = "sh -c 'trap \"\" XFSZ; ulimit -f 1; " + std::string(ORPHANCHECK_BIN) +
                            " check --sockets 1 --quiet --json " + report.string() + " 2>" + err.string() + "'";
    const int status = std::system(cmd.c_str());
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 2);
    CHECK(slurp(report) == old);
    const std::string text = slurp(err);
    CHECK(text.find("cannot write '" + report.string() + "'") != std::string::npos);
    CHECK(text.find('\n') == text.size() - 1);
    CHECK(dir.entries() == 2);  // the report and the captured error: no temporary file left
}

TEST_CASE("outputs: an unwritable report path is refused before the run, in one line with exit 2") {
    test::check_refused("check --sockets 1 --json /nonexistent-dir/report.json", "/nonexistent-dir/report.json");
    test::check_refused("check --sockets 1 --html /nonexistent-dir/report.html", "/nonexistent-dir/report.html");
    test::check_refused("check --sockets 1 --json /tmp", "it is a directory");
    test::check_refused("graph -o /nonexistent-dir/g.dot", "/nonexistent-dir/g.dot");
    test::check_refused("export --promela -o /nonexistent-dir/m.pml", "/nonexistent-dir/m.pml");
    test::check_refused("lifetime --linger off --json /nonexistent-dir/l.json", "/nonexistent-dir/l.json");
    test::check_refused("review " + std::string(ORPHANCHECK_TEST_DATA) + "/review/keepalive-timer.diff --skeleton "
                        "/nonexistent-dir/s.toml",
                        "/nonexistent-dir/s.toml");
}

TEST_CASE("outputs: a report that cannot reach standard output (a full disk) is an error, not a verdict") {
    const std::string review = "review " + std::string(ORPHANCHECK_TEST_DATA) + "/review/keepalive-timer.diff";
    for (const std::string& args : std::vector<std::string>{
             "check --sockets 1", "check --sockets 1 --json -", "rows", "events", "profiles", "properties",
             "lifetime --linger off", "graph", "diff linux-5.15 linux-6.12 --sockets 1", "export --promela -o -", review,
             review + " --json -"}) {
        INFO(args);
        const std::string err = "oc_outputs_full_" + std::to_string(getpid()) + ".txt";
        const int status = std::system((std::string(ORPHANCHECK_BIN) + " " + args + " >/dev/full 2>" + err).c_str());
        CHECK(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 2);
        const std::string text = slurp(err);
        std::remove(err.c_str());
        CHECK(text == "orphancheck: error: writing standard output failed\n");
    }
}

TEST_CASE("outputs: conform --plan and an interrupted mutate with standard output on a full disk: exit 2, not 3") {
    // mutate takes minutes; SIGTERM after 2 s makes it print its (incomplete) summary at once, into /dev/full.
    for (const std::string run : {"conform --plan", "mutate --sockets 1 & p=$!; sleep 2; kill -TERM $p; wait $p"}) {
        INFO(run);
        const std::string err = "oc_outputs_full_" + std::to_string(getpid()) + ".txt";
        const std::string cmd = "sh -c '" + std::string(ORPHANCHECK_BIN) + " " + run.substr(0, run.find(" &")) +
                                " >/dev/full 2>" + err + run.substr(std::min(run.find(" &"), run.size())) + "'";
        const int status = std::system(cmd.c_str());
        const std::string text = slurp(err);
        std::remove(err.c_str());
        INFO("stderr: " << text);
        CHECK(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 2);
        CHECK(text.ends_with("orphancheck: error: writing standard output failed\n"));
    }
}

TEST_CASE("outputs: a symbolic link is followed and a pipe is fed in place, neither is replaced") {
    const ScratchDir dir;
    const fs::path target = dir.path / "target.json", link = dir.path / "link.json", fifo = dir.path / "fifo";
    std::ofstream(target) << "old report\n";
    fs::create_symlink(target, link);
    auto run = test::run_cli("check --sockets 1 --quiet --json " + link.string());
    CHECK(run.code == 0);
    CHECK(fs::is_symlink(link));
    CHECK(slurp(target).starts_with("{"));

    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const fs::path got = dir.path / "got.json";
    const std::string cmd = "sh -c 'cat " + fifo.string() + " > " + got.string() + " & " + ORPHANCHECK_BIN +
                            " check --sockets 1 --quiet --json " + fifo.string() + "; s=$?; wait; exit $s'";
    CHECK(std::system(cmd.c_str()) == 0);
    CHECK(fs::is_fifo(fifo));
    CHECK(slurp(got).starts_with("{"));
}

TEST_CASE("outputs: when Graphviz fails, the error names the user's file and the old reports stay byte for byte") {
    const ScratchDir dir;
    std::ofstream(dir.path / "dot") << "#!/bin/sh\necho 'dot: broken' >&2\nexit 1\n";
    fs::permissions(dir.path / "dot", fs::perms::owner_all);
    const fs::path svg = dir.path / "old.svg", json = dir.path / "old.json", html = dir.path / "new.html";
    std::ofstream(svg) << "old drawing\n";
    std::ofstream(json) << "{\"old\": 1}\n";
    const std::string path = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
    setenv("PATH", (dir.path.string() + ":" + path).c_str(), 1);
    const auto graph = test::run_cli("graph -o " + svg.string());
    const auto check = test::run_cli("check --sockets 1 --json " + json.string() + " --html " + html.string());
    // A drawing larger than a pipe's buffer (1.8 MB of DOT): the write still waits when dot exits unread, so it
    // always meets the closed pipe (SIGPIPE, unless blocked: exit 141 and no message, seen in CI 2026-12-07).
    const auto big = test::run_cli("graph --view full --sockets 1 --max-nodes 100000 -o " + svg.string());
    setenv("PATH", path.c_str(), 1);
    INFO("graph: " << graph.err << "check: " << check.err << "big graph: " << big.err);
    CHECK(big.code == 2);
    CHECK(big.err == "orphancheck: error: cannot write '" + svg.string() + "': Graphviz 'dot' failed (exit status 1)\n");
    CHECK(graph.code == 2);
    CHECK(graph.err == "orphancheck: error: cannot write '" + svg.string() + "': Graphviz 'dot' failed (exit status 1)\n");
    CHECK(check.code == 2);
    CHECK(check.err == "orphancheck: error: cannot write '" + html.string() + "': Graphviz 'dot' failed (exit status 1)\n");
    CHECK(slurp(svg) == "old drawing\n");
    CHECK(slurp(json) == "{\"old\": 1}\n");
    CHECK_FALSE(fs::exists(html));
}
