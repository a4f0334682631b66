// Benchmark of the explorer (Release builds only): for N = 1, 2, ... sockets
// and thirteen configurations (the default check; a lean one: SO_LINGER off,
// TCP_LINGER2 unset, no unread data, the peer may only FIN, fin_timeout 60;
// the lean one without loss; a silent peer with loss: the blog's experiment;
// "blog": that experiment with every socket option choice, to ten sockets;
// "window": the default with the peer's window open or zero at close();
// "window-lean": the lean one behind zero windows; "window-retries2": zero
// windows under tcp_retries2 9 and 15; "user-timeout": the default under
// TCP_USER_TIMEOUT unset, 1 s and 3 s; "fin-alloc-fail": the default where
// the FIN's allocation may fail; "shutdown": the default with shutdown(SHUT_WR)
// before close() or not; "send-queue": the default with unacked data ahead of
// the FIN or none; "loss-probe": the default with tail-loss probes as moves),
// runs one exploration per child process (so peak RSS is per run) and prints
// states (and the concrete states they stand for under symmetry reduction),
// transitions, seconds, states/s, bytes/state and peak RSS. Stops a
// configuration after the first N whose run does not finish within the time
// budget. --set passes any check option (threads=2, symmetry=no, store=compact,
// por=yes with --safety-only; the partial-order reduction is off unless set).
// --svg FILE also draws states and seconds against the socket count, one line per configuration.
//
//   bench_explore [--budget SECONDS] [--min-sockets N] [--max-sockets N] [--safety-only]
//                 [--configs NAME,...] [--set OPTION=VALUE]... [--svg FILE]
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "check_options.hpp"
#include "orphancheck/checker/explorer.hpp"
#include "orphancheck/reports/output_file.hpp"
#include "svg_chart.hpp"

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
    {"silent", with(with(kLean, "peer-fin", "no"), "fin-timeout", "60,120")},
    // The blog's experiment at its size: a silent peer, loss, every SO_LINGER / TCP_LINGER2 /
    // unread-data choice, fin_timeout 60 and 120, tcp_max_orphans and tcp_max_tw_buckets at
    // values (the kernel's defaults are larger still) that ten sockets never reach.
    {"blog", {{"peer-fin", "no"}, {"peer-data", "no"}, {"peer-rst", "no"}, {"linger2", "all"},
              {"max-orphans", "65536"}, {"max-tw-buckets", "65536"}}},
    // The default check with the peer's window open or closed at close() (zero-window orphans, probe timer).
    {"window", {{"peer-window", "all"}}},
    // The lean configuration with every socket closing behind a zero window (no lingering close()).
    {"window-lean", with(kLean, "peer-window", "closes")},
    // A zero-window peer that answers, tcp_retries2 9 and 15: the answered orphan that never dies, and the one
    // aborted at RTO_MAX.
    {"window-retries2", {{"peer-window", "closes"}, {"tcp-retries2", "9,15"}, {"linger", "off,timeout"}, {"unread", "no"}}},
    // The default check under TCP_USER_TIMEOUT unset, 1 s and 3 s (it replaces the orphan retry budget).
    {"user-timeout", {{"user-timeout", "all"}}},
    // The default check where tcp_send_fin's FIN allocation may fail (errata O7): timer-less orphans.
    {"fin-alloc-fail", {{"fin-alloc-fail", "yes"}}},
    // The default check where each socket may shutdown(SHUT_WR) first and close() later, or close() at once.
    {"shutdown", {{"shutdown", "all"}}},
    // The default check where each socket may close with sent, unacked data ahead of its FIN, or none.
    {"send-queue", {{"send-queue", "all"}}},
    // The default check with tail-loss probes as moves of their own (errata O4).
    {"loss-probe", {{"loss-probe", "yes"}}},
};

// Runs in a child; prints one table row on stdout, returns the exit code.
std::vector<std::string> properties_for(bool safety_only) {
    return safety_only ? std::vector<std::string>{"safety"} : std::vector<std::string>{};
}

// The child's result for the chart, on `result_fd`: "states explore_seconds" of a complete run.
int run_one(const Config& c, int n, double budget, bool safety_only, const cli::OptionValues& set, int result_fd) {
    cli::OptionValues o = c.opts;
    for (const auto& [k, v] : set) o[k] = v;
    o["sockets"] = std::to_string(n);
    o["time-limit"] = fmt::format("{}", budget);
    const auto spec = cli::build_spec(o, properties_for(safety_only));
    const auto r = checker::explore(spec);
    const auto& s = r.stats;
    const bool done = r.verdict != checker::Verdict::incomplete;
    fmt::print("| {:<8} | {} | {:>12} | {:>15.0f} | {:>13} | {:>8.2f} | {:>8.2f} | {:>10.2f} | {:>11.1f} | {:>8.0f} | {} |\n",
               c.name, n, s.states, s.raw_states, s.transitions, s.explore_seconds, s.liveness_seconds,
               s.states_per_second / 1e6, s.bytes_per_state, double(s.peak_rss_bytes) / (1 << 20),
               done ? "complete" : r.incomplete_reason.empty() ? "incomplete" : r.incomplete_reason);
    std::fflush(stdout);
    const std::string result = fmt::format("{} {}\n", s.states, s.explore_seconds + s.liveness_seconds);
    if (done) (void)!::write(result_fd, result.data(), result.size());
    return done ? 0 : 3;
}
}  // namespace

int main(int argc, char** argv) {
    double budget = 60;
    int min_n = 1, max_n = 6;
    bool safety_only = false;
    std::string only;
    cli::OptionValues set;
    std::string svg;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const std::string next = i + 1 < argc ? argv[i + 1] : "";
        if (a == "--budget" && !next.empty()) budget = std::atof(argv[++i]);
        else if (a == "--min-sockets" && !next.empty()) min_n = std::atoi(argv[++i]);
        else if (a == "--max-sockets" && !next.empty()) max_n = std::atoi(argv[++i]);
        else if (a == "--configs" && !next.empty()) only = "," + std::string(argv[++i]) + ",";
        else if (a == "--set" && next.find('=') != std::string::npos) {
            set[next.substr(0, next.find('='))] = next.substr(next.find('=') + 1);
            ++i;
        } else if (a == "--safety-only") safety_only = true;
        else if (a == "--svg" && !next.empty()) svg = argv[++i];
        else {
            fmt::print(stderr, "usage: bench_explore [--budget SECONDS] [--min-sockets N] [--max-sockets N] "
                               "[--safety-only] [--configs NAME,...] [--set OPTION=VALUE]... [--svg FILE]\n");
            return 2;
        }
    }
    if (!set.count("por")) set["por"] = "no";  // comparable with earlier tables unless asked for
    try {
        (void)cli::build_spec(set, properties_for(safety_only));
        if (!svg.empty()) reports::check_output("--svg", svg, {"SVG"});
    } catch (const std::exception& e) {
        fmt::print(stderr, "bench_explore: {}\n", e.what());
        return 2;
    }
#ifndef NDEBUG
    fmt::print(stderr, "warning: not a Release build; numbers are not meaningful\n");
#endif
    for (const auto& [k, v] : set) fmt::print("--{} {}\n", k, v);
    fmt::print("| config   | N | states       | concrete states | transitions   | explore s | liveness s | M states/s | bytes/state | peak RSS MiB | result |\n");
    fmt::print("|---|---|---|---|---|---|---|---|---|---|---|\n");
    std::fflush(stdout);
    bench::Panel states{"states stored", "sockets", "states (log)", {}}, seconds{"seconds", "sockets", "seconds (log)", {}};
    for (const Config& c : kConfigs) {
        if (!only.empty() && only.find("," + std::string(c.name) + ",") == std::string::npos) continue;
        states.series.push_back({c.name, {}});
        seconds.series.push_back({c.name, {}});
        for (int n = min_n; n <= max_n; ++n) {
            int p[2];
            if (::pipe(p) != 0) return 3;
            const pid_t pid = fork();
            if (pid == 0) {
                ::close(p[0]);
                _exit(run_one(c, n, budget, safety_only, set, p[1]));
            }
            ::close(p[1]);
            char buf[128] = {};
            const ssize_t got = ::read(p[0], buf, sizeof buf - 1);
            ::close(p[0]);
            int status = 0;
            waitpid(pid, &status, 0);
            double st = 0, secs = 0;
            if (got > 0 && std::sscanf(buf, "%lf %lf", &st, &secs) == 2) {
                states.series.back().points.emplace_back(n, st);
                seconds.series.back().points.emplace_back(n, std::max(secs, 1e-3));
            }
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) break;
        }
    }
    if (!svg.empty()) {
        try {
            reports::write_file_atomically(svg, bench::line_chart_svg(
                fmt::format("bench_explore: each configuration until a run outgrows {:g} s", budget), {states, seconds}));
        } catch (const std::exception& e) {
            fmt::print(stderr, "bench_explore: {}\n", e.what());
            return 2;
        }
    }
    return 0;
}
