#include "conform_command.hpp"

#include <algorithm>
#include <csignal>
#include <iostream>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "check_options.hpp"
#include "orphancheck/reports/interval_json.hpp"
#include "orphancheck/reports/json_envelope.hpp"
#include "orphancheck/reports/output_file.hpp"
#include "orphancheck/conform/coverage.hpp"
#include "orphancheck/conform/host_guard.hpp"
#include "orphancheck/conform/netns.hpp"
#include "orphancheck/conform/plan.hpp"
#include "orphancheck/model/kernel_profile.hpp"

namespace orphancheck::cli {
namespace {
// Ctrl-C between runs (while a run's global sysctl is being set, or while a record is checked) only
// sets this: the run in progress finishes its cleanup, then conform stops.
volatile std::sig_atomic_t g_stop = 0;
void on_stop_signal(int) { g_stop = 1; }

void catch_stop_signals() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
}

using conform::ScenarioResult;
using Verdict = ScenarioResult::Verdict;

std::string_view verdict_name(Verdict v) {
    switch (v) {
        case Verdict::agree: return "agree";
        case Verdict::disagree: return "disagree";
        case Verdict::incomplete: return "incomplete";
    }
    return "?";
}

std::string times(const std::vector<conform::TimeCheck>& t) {
    if (t.empty()) return "-";
    double lo = t.front().measured, hi = lo;
    for (const auto& x : t) lo = std::min(lo, x.measured), hi = std::max(hi, x.measured);
    return lo == hi ? fmt::format("{:.2f} s", lo) : fmt::format("{:.2f}-{:.2f} s", lo, hi);
}

std::string_view timer_name(std::uint8_t t) {
    constexpr std::string_view names[] = {"-", "retransmit", "keepalive", "timewait", "zero-window probe"};
    return t < std::size(names) ? names[t] : "?";
}

void print_samples(const ScenarioResult& r, std::size_t j) {
    const conform::Sample* last = nullptr;
    for (const conform::Sample& s : r.record.samples) {
        if (last && last->sockets[j] == s.sockets[j] && last->timers[j] == s.timers[j] &&
            last->retransmits[j] == s.retransmits[j])
            continue;
        last = &s;
        fmt::print("      {:8.3f} s  {:<22} timer {:<10} retransmits {}  orphan counter {:+d}, {} listed\n", s.t,
                   s.sockets[j].name(), timer_name(s.timers[j]), s.retransmits[j], s.counter, s.listed);
    }
}

void print_result(const ScenarioResult& r, bool verbose) {
    const conform::Scenario& s = *r.scenario;
    fmt::print("{:<26} {:<10} {}\n", s.name, verdict_name(r.verdict), s.what);
    if (!r.record.samples.empty()) {
        fmt::print("    {} sockets, peak {} orphans (kernel counter +{}), {} samples (largest gap {:.1f} ms)\n",
                   s.sockets(), r.peak_orphans, r.peak_counter, r.record.samples.size(), r.record.max_gap_ms);
        if (r.timed)
            fmt::print("    orphan for {} (model {}), close() to gone {} (model {})\n", times(r.orphan_times),
                       analysis::describe(r.predicted.orphan), times(r.gone_times), analysis::describe(r.predicted.gone));
        else
            fmt::print("    orphan for {}, close() to gone {} (not timed: the timed reading starts at close() of an open "
                       "connection, not after shutdown() nor of a listener; states and rows are checked)\n",
                       times(r.orphan_times), times(r.gone_times));
    }
    if (!s.blog.empty())
        fmt::print("    blog: {} -> {}\n", s.blog,
                   r.verdict == Verdict::incomplete
                       ? (r.record.samples.empty() ? "not run (see below)" : "undecided: the run is incomplete (see below)")
                   : !s.expect_orphans ? "see above"
                   : *s.expect_orphans == r.settled_orphans
                       ? fmt::format("reproduced ({} orphans 0.5 s after close())", r.settled_orphans)
                       : fmt::format("NOT reproduced ({} orphans 0.5 s after close(), expected {})", r.settled_orphans,
                                     *s.expect_orphans));
    if (!r.detail.empty()) fmt::print("    {}\n", r.detail);
    for (std::size_t j = 0; j < r.sockets.size(); ++j)
        if (verbose || !r.sockets[j].agree) {
            fmt::print("    socket {}:\n", j + 1);
            print_samples(r, j);
        }
}

void print_plan(const std::string& profile) {
    fmt::print("which short scenarios' model configurations can fire each row (profile {}); for the others, the\n"
               "model's shortest path to it under a permissive configuration: a recipe for a new experiment\n\n",
               profile);
    for (const conform::RowPlan& p : conform::plan_rows(profile)) {
        if (!p.scenarios.empty()) {
            const std::size_t shown = std::min<std::size_t>(p.scenarios.size(), 4);
            fmt::print("{:<34} {}{}\n", model::row_name(p.row),
                       fmt::join(p.scenarios.begin(), p.scenarios.begin() + std::ptrdiff_t(shown), ", "),
                       p.scenarios.size() > shown ? fmt::format(" (+{})", p.scenarios.size() - shown) : "");
        } else if (!p.recipe.empty()) {
            fmt::print("{:<34} no scenario; recipe ({}): {}\n", model::row_name(p.row), p.recipe_config,
                       fmt::join(p.recipe, " -> "));
        } else {
            fmt::print("{:<34} unreachable under {}\n", model::row_name(p.row), profile);
        }
    }
}

// The plan as JSON: each row with the scenarios that can fire it, or a recipe, or neither (unreachable).
nlohmann::json plan_json(const std::string& profile) {
    nlohmann::json rows = nlohmann::json::array();
    for (const conform::RowPlan& p : conform::plan_rows(profile)) {
        nlohmann::json row{{"row", model::row_name(p.row)}, {"scenarios", p.scenarios}};
        row["recipe"] = p.scenarios.empty() && !p.recipe.empty()
                            ? nlohmann::json{{"config", p.recipe_config}, {"events", p.recipe}}
                            : nlohmann::json(nullptr);
        row["reachable"] = !p.scenarios.empty() || !p.recipe.empty();
        rows.push_back(std::move(row));
    }
    return reports::enveloped("conform", {{"plan", true}, {"profile", profile}, {"rows", rows}});
}

nlohmann::json result_json(const ScenarioResult& r) {
    nlohmann::json rows = nlohmann::json::array();
    for (model::RowId row : r.confirmed) rows.push_back(model::row_name(row));
    nlohmann::json socks = nlohmann::json::array();
    for (std::size_t j = 0; j < r.sockets.size(); ++j) {
        nlohmann::json samples = nlohmann::json::array();
        for (const conform::Sample& s : r.record.samples)
            samples.push_back({s.t, s.sockets[j].name(), timer_name(s.timers[j]), s.retransmits[j]});
        nlohmann::json witness = nlohmann::json::array();
        for (const conform::WitnessStep& w : r.sockets[j].witness) witness.push_back({w.label, w.after.name()});
        socks.push_back({{"agree", r.sockets[j].agree}, {"samples", samples}, {"model_path", witness}});
    }
    const auto t = [](const std::vector<conform::TimeCheck>& v) {
        nlohmann::json a = nlohmann::json::array();
        for (const auto& x : v) a.push_back(x.measured);
        return a;
    };
    return {{"scenario", r.scenario->name}, {"verdict", verdict_name(r.verdict)}, {"detail", r.detail},
            {"peak_orphans", r.peak_orphans}, {"settled_orphans", r.settled_orphans}, {"peak_counter", r.peak_counter},
            {"counter_before_close", r.counter_before_close}, {"timed", r.timed}, {"confirmed_rows", rows},
            {"orphan_seconds", t(r.orphan_times)}, {"gone_seconds", t(r.gone_times)},
            {"model_orphan_seconds", reports::interval_json(r.predicted.orphan)}, {"model_gone_seconds", reports::interval_json(r.predicted.gone)}, {"mib", r.record.mib},
            {"max_gap_ms", r.record.max_gap_ms}, {"sockets", socks}};
}
}  // namespace

int run_conform(const ConformArgs& args) {
    // Options that --list, --plan or named scenarios would ignore are refused.
    const std::pair<bool, std::string_view> run_only[] = {{!args.scenarios.empty(), "--scenario"},
                                                          {args.long_runs, "--long"},
                                                          {args.verbose, "--verbose"},
                                                          {!args.json_path.empty(), "--json"}};
    for (const auto& [given, name] : run_only) {
        if (given && args.list)
            throw UsageError(fmt::format("conform --list does not use {} (it lists the scenarios and runs none)", name));
        if (given && args.plan && name != "--json")  // --plan --json writes the plan as JSON
            throw UsageError(fmt::format("conform --plan does not use {} (it reads the model and runs no scenario)", name));
    }
    if (args.list && args.plan) throw UsageError("conform: --list or --plan, not both");
    if (args.list && !args.profile.empty())
        throw UsageError("conform --list does not use --profile (the scenarios are the same for every profile)");
    const bool all = args.scenarios.empty() || (args.scenarios.size() == 1 && args.scenarios[0] == "all");
    if (args.long_runs && !all)
        throw UsageError("conform does not use --long with named scenarios (a scenario named by --scenario runs "
                         "whatever its length; --long adds the long ones to all)");
    if (!args.json_path.empty()) reports::check_output("--json", args.json_path, {"JSON"});  // before the runs
    if (args.list) {
        for (const conform::Scenario& s : conform::scenarios())
            fmt::print("{:<26} {}{}\n", s.name, s.what, s.long_run ? " [--long]" : "");
        return 0;
    }
    std::vector<const conform::Scenario*> chosen;
    if (all) {
        for (const conform::Scenario& s : conform::scenarios())
            if (args.long_runs || !s.long_run) chosen.push_back(&s);
    } else {
        for (const std::string& name : args.scenarios) {
            const conform::Scenario* s = conform::find_scenario(name);
            if (s == nullptr) throw UsageError(fmt::format("--scenario: unknown scenario '{}' (see --list)", name));
            if (std::find(chosen.begin(), chosen.end(), s) != chosen.end())
                throw UsageError(fmt::format("--scenario: '{}' is given twice", name));
            chosen.push_back(s);
        }
    }
    const std::string profile = args.profile.empty() ? conform::running_kernel_profile() : args.profile;
    if (model::find_profile(profile) == nullptr) throw UsageError(fmt::format("--profile: unknown profile '{}'", profile));
    if (args.plan) {
        if (!args.json_path.empty()) reports::write_json(plan_json(profile), args.json_path);
        if (args.json_path != "-") print_plan(profile);
        return 0;
    }
    if (const conform::Availability a = conform::live_kernel_available(); !a.ok)
        throw UsageError(fmt::format("conform cannot run here: {}", a.why));
    // One conform at a time on this host (the orphan counter is global); then the restore records of a
    // run killed together with its guardian (conform/include/orphancheck/conform/host_guard.hpp).
    std::optional<conform::HostLock> lock;
    try {
        lock.emplace();
        for (const std::string& line : conform::apply_leftover_restore_records()) std::cerr << "orphancheck: " << line << "\n";
    } catch (const std::runtime_error& e) {
        throw UsageError(e.what());
    }
    const bool to_stdout = args.json_path == "-";
    std::vector<ScenarioResult> results;
    if (!to_stdout)
        fmt::print("kernel profile {} ({}), {} scenarios\n", profile,
                   args.profile.empty() ? "the running kernel's" : "the running kernel's is " + conform::running_kernel_profile(),
                   chosen.size());
    catch_stop_signals();
    for (const conform::Scenario* s : chosen) {
        results.push_back(conform::run_scenario(*s, profile));
        if (results.back().interrupted || g_stop) {
            std::cerr << "orphancheck: conform interrupted; namespaces removed, sysctls restored\n";
            return 130;
        }
        if (!to_stdout) print_result(results.back(), args.verbose);
        std::fflush(stdout);
    }
    const conform::Coverage cov = conform::coverage(results);
    if (!to_stdout) {
        fmt::print("\ntransition coverage: {} of {} rows confirmed by kernel runs ({:.0f} %)\n", cov.confirmed.size(),
                   model::kRows, cov.percent());
        if (all || args.verbose)
            for (model::RowId row : cov.missing)
                fmt::print("  not confirmed: {:<34} {}\n", model::row_name(row), conform::why_unconfirmed(row));
        else
            fmt::print("  (the rows no run confirmed: with every scenario, or --verbose)\n");
    }
    if (!args.json_path.empty()) {
        nlohmann::json j = reports::enveloped("conform", {{"plan", false}, {"profile", profile}, {"scenarios", nlohmann::json::array()}});
        for (const ScenarioResult& r : results) j["scenarios"].push_back(result_json(r));
        nlohmann::json missing = nlohmann::json::array();
        for (model::RowId row : cov.missing)
            missing.push_back({{"row", model::row_name(row)}, {"why", conform::why_unconfirmed(row)}});
        nlohmann::json confirmed = nlohmann::json::array();
        for (model::RowId row : cov.confirmed) confirmed.push_back(model::row_name(row));
        j["coverage"] = {{"rows", model::kRows}, {"confirmed", confirmed}, {"missing", missing}};
        reports::write_json(j, args.json_path);
    }
    bool disagree = false, incomplete = false;
    for (const ScenarioResult& r : results) {
        disagree = disagree || r.verdict == Verdict::disagree;
        incomplete = incomplete || r.verdict == Verdict::incomplete;
    }
    return disagree ? 1 : incomplete ? 3 : 0;
}

}  // namespace orphancheck::cli
