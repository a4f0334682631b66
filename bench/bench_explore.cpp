// Benchmark of the explorer (Release builds only): for N = 1, 2, ... sockets
// and three configurations (the default check; a lean one: SO_LINGER off,
// TCP_LINGER2 unset, no unread data, the peer may only FIN, fin_timeout 60;
// the lean one without loss), runs one exploration per child process (so peak
// RSS is per run) and prints states, transitions, seconds, states/s,
// bytes/state and peak RSS. Stops a configuration after the first N whose
// run does not finish within the time budget.
//
//   bench_explore [--budget SECONDS] [--max-sockets N] [--safety-only]
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "check_options.hpp"
#include "orphancheck/checker/explorer.hpp"

using namespace orphancheck;

namespace {
struct Config {
    const char* name;
    cli::OptionValues opts;
};

const cli::OptionValues kLean = {{"linger", "off"},   {"linger2", "sysctl"}, {"unread", "no"},
                                  {"peer-data", "no"}, {"peer-rst", "no"},    {"fin-timeout", "60"}};

cli::OptionValues with(cli::OptionValues o, const std::string& k, const std::string& v) {
    o[k] = v;
    return o;
}

const std::vector<Config> kConfigs = {
    {"default", {}},
    {"lean", kLean},
    {"lossless", with(kLean, "loss", "no")},
};

// Runs in a child; prints one table row on stdout, returns the exit code.
int run_one(const Config& c, int n, double budget, bool safety_only) {
    cli::OptionValues o = c.opts;
    o["sockets"] = std::to_string(n);
    o["time-limit"] = fmt::format("{}", budget);
    std::vector<std::string> props;
    if (safety_only)
        for (auto p : properties::all_properties())
            if (properties::info(p).kind != properties::PropertyKind::liveness)
                props.emplace_back(properties::info(p).name);
    const auto spec = cli::build_spec(o, props);
    const auto r = checker::explore(spec);
    const auto& s = r.stats;
    const bool done = r.verdict != checker::Verdict::incomplete;
    fmt::print("| {:<8} | {} | {:>12} | {:>13} | {:>8.2f} | {:>8.2f} | {:>10.2f} | {:>11.1f} | {:>8.0f} | {} |\n", c.name,
               n, s.states, s.transitions, s.explore_seconds, s.liveness_seconds, s.states_per_second / 1e6,
               s.bytes_per_state, double(s.peak_rss_bytes) / (1 << 20), done ? "complete" : "time limit");
    std::fflush(stdout);
    return done ? 0 : 3;
}
}  // namespace

int main(int argc, char** argv) {
    double budget = 60;
    int max_n = 6;
    bool safety_only = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--budget" && i + 1 < argc) budget = std::atof(argv[++i]);
        else if (a == "--max-sockets" && i + 1 < argc) max_n = std::atoi(argv[++i]);
        else if (a == "--safety-only") safety_only = true;
        else {
            fmt::print(stderr, "usage: bench_explore [--budget SECONDS] [--max-sockets N] [--safety-only]\n");
            return 2;
        }
    }
#ifndef NDEBUG
    fmt::print(stderr, "warning: not a Release build; numbers are not meaningful\n");
#endif
    fmt::print("| config   | N | states       | transitions   | explore s | liveness s | M states/s | bytes/state | peak RSS MiB | result |\n");
    fmt::print("|---|---|---|---|---|---|---|---|---|---|\n");
    std::fflush(stdout);
    for (const Config& c : kConfigs) {
        for (int n = 1; n <= max_n; ++n) {
            const pid_t pid = fork();
            if (pid == 0) _exit(run_one(c, n, budget, safety_only));
            int status = 0;
            waitpid(pid, &status, 0);
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) break;
        }
    }
    return 0;
}
