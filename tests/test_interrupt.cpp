// Ctrl-C (SIGINT, SIGTERM, SIGHUP) during a search: it stops at its next check and reports what it has, verdict
// incomplete, exit 3, and the report file is complete JSON.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <nlohmann/json.hpp>

using namespace std::chrono;
namespace fs = std::filesystem;

namespace {
struct Interrupted {
    int code = -1;
    double seconds = 0;
    nlohmann::json report;
};

// Runs `args` with --json into a scratch file, sends `sig` after `after_s` seconds, waits for the exit.
Interrupted interrupt(const std::string& args, const char* sig, int after_s) {
    const fs::path json = fs::temp_directory_path() / ("oc-interrupt-" + std::to_string(getpid()) + ".json");
    const std::string cmd = "sh -c '" + std::string(ORPHANCHECK_BIN) + " " + args + " --json " + json.string() +
                            " >/dev/null 2>&1 & p=$!; sleep " + std::to_string(after_s) + "; kill -" + sig +
                            " $p; wait $p'";
    const auto start = steady_clock::now();
    const int status = std::system(cmd.c_str());
    Interrupted r;
    r.seconds = duration<double>(steady_clock::now() - start).count();
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream in(json);
    const std::string text{std::istreambuf_iterator<char>(in), {}};
    fs::remove(json);
    r.report = nlohmann::json::parse(text, nullptr, false);
    return r;
}
}  // namespace

TEST_CASE("interrupt: SIGINT during a 3-socket check gives exit 3 and a valid JSON report, verdict incomplete") {
    const Interrupted r = interrupt("check --sockets 3", "INT", 2);
    INFO("exit " << r.code << " after " << r.seconds << " s");
    CHECK(r.code == 3);
    REQUIRE_FALSE(r.report.is_discarded());
    CHECK(r.report.at("verdict") == "incomplete");
    CHECK(r.report.dump().find("interrupted by SIGINT") != std::string::npos);
    CHECK(r.report.at("stats").at("states").get<std::uint64_t>() > 0);
}

TEST_CASE("interrupt: SIGTERM during mutate stops it, the undecided mutants are counted, exit 3") {
    const Interrupted r = interrupt("mutate --sockets 1", "TERM", 3);
    INFO("exit " << r.code << " after " << r.seconds << " s");
    CHECK(r.code == 3);
    CHECK(r.seconds < 60);  // not the minutes the whole run takes
    REQUIRE_FALSE(r.report.is_discarded());
    const auto decided = r.report.at("killed").get<int>() + r.report.at("survived").get<int>() +
                         r.report.at("equivalent").get<int>() + r.report.at("invalid").get<int>();
    CHECK(r.report.at("incomplete").get<int>() > 0);
    CHECK(decided + r.report.at("incomplete").get<int>() == r.report.at("mutants").get<int>());
}
