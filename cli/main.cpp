// orphancheck: a model checker for the Linux TCP close path and its orphan
// accounting. Subcommands: check, graph, diff, mutate, export, conform, lifetime, profiles, properties, rows.
#include <algorithm>
#include <bit>
#include <cfloat>
#include <chrono>
#include <climits>
#include <csignal>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string_view>
#include <system_error>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include "check_options.hpp"
#include "config_file.hpp"
#include "completion.hpp"
#include "conform_command.hpp"
#include "diff_command.hpp"
#include "export_command.hpp"
#include "lifetime_command.hpp"
#include "patch_file.hpp"
#include "host_command.hpp"
#include "ranks.hpp"
#include "review_command.hpp"
#include "orphancheck/analysis/mutate.hpp"
#include "orphancheck/checker/explorer.hpp"
#include "orphancheck/checker/interrupt.hpp"
#include "orphancheck/reports/output_file.hpp"
#include "orphancheck/model/close_path.hpp"
#include "orphancheck/model/rows.hpp"
#include "orphancheck/properties/property.hpp"
#include "orphancheck/reports/dot.hpp"
#include "orphancheck/reports/html_report.hpp"
#include "orphancheck/reports/json_envelope.hpp"
#include "orphancheck/reports/reference_json.hpp"
#include "orphancheck/reports/report.hpp"
#include "orphancheck/reports/socket_view.hpp"
#include "orphancheck/reports/state_views.hpp"

namespace {
using namespace orphancheck;

constexpr int kExitHolds = 0, kExitViolated = 1, kExitBadInput = 2, kExitIncomplete = 3;

int fail_usage(const std::string& msg) {
    if (cli::silent_rank()) return kExitBadInput;  // rank 0 says it
    std::cerr << "orphancheck: error: " << cli::one_line(msg) << "\n";  // a file name may hold a newline
    return kExitBadInput;
}

// The options of a check, from the config file and the command line.
checker::ExploreSpec spec_from(const cli::OptionValues& cmdline, const std::vector<std::string>& props,
                               const std::string& config, const std::vector<std::string>& patches) {
    cli::OptionValues values;
    std::vector<std::string> all_props = props;
    if (!config.empty()) {
        auto file = cli::read_config_file(config);
        values = file.values;
        if (props.empty()) all_props = file.properties;
    }
    for (const auto& [k, v] : cmdline) values[k] = v;
    checker::ExploreSpec spec = cli::build_spec(values, all_props);
    cli::read_patch_files(patches, spec.patch);
    return spec;
}

struct GraphArgs {
    std::string view = "socket", output = "-", colour = "orphans", format;
    bool no_guards = false, rank_by_depth = false;
    std::uint64_t max_nodes = 300;
};


// Refuses an option of `cmd` that this run does not read (`unused`: option and why): "<what> does not use --x (why)".
void refuse_given(const CLI::App& cmd, const std::string& what,
                  const std::vector<std::pair<std::string, std::string>>& unused) {
    for (const auto& [option, why] : unused)
        if (cmd.count(option)) throw cli::UsageError(fmt::format("{} does not use {} ({})", what, option, why));
}

// Before the drawing: the view, its options and the output (format from --format or the file name, which must
// agree; the file writable; Graphviz there for SVG/PNG). Returns the format: dot, svg, png or json.
std::string check_graph_args(const GraphArgs& a, const CLI::App& cmd) {
    if (a.view != "socket" && a.view != "full" && a.view != "quotient" && a.view != "counterexample")
        throw cli::UsageError(
            fmt::format("--view: unknown view '{}' (socket, full, quotient or counterexample)", a.view));
    std::vector<std::pair<std::string, std::string>> unused;
    if (a.view == "socket") {
        const char* why = "the socket view draws the close-path table, the same for every configuration";
        for (const auto& o : cli::check_options())
            if (std::string_view(o.name) != "listener" && std::string_view(o.name) != "connecting")
                unused.emplace_back("--" + std::string(o.name), why);
        for (const char* o : {"--config", "--patch", "--property", "--colour", "--rank-by-depth", "--max-nodes"})
            unused.emplace_back(o, why);
    } else {
        unused.emplace_back("--no-guards", "only the socket view has guards in its tooltips");
        if (a.view == "full") unused.emplace_back("--max-states", "--max-nodes bounds the full view");
        else unused.emplace_back("--max-nodes", "only --view full has a node limit");
        if (a.view != "counterexample") {
            unused.emplace_back("--property", "only --view counterexample draws a property");
            unused.emplace_back("--por", "a drawing explores every state, unreduced");
        }
    }
    refuse_given(cmd, "graph --view " + a.view, unused);
    if (a.colour != "orphans" && a.colour != "property")
        throw cli::UsageError(fmt::format("--colour: unknown value '{}' (orphans or property)", a.colour));
    const std::string_view named = reports::format_of_name(a.output);  // "" for - or a name without a format
    std::string format = a.format;
    if (format.empty()) format = named == "SVG" ? "svg" : named == "PNG" ? "png" : named == "JSON" ? "json" : "dot";
    if (format != "dot" && format != "svg" && format != "png" && format != "json")
        throw cli::UsageError(fmt::format("--format: unknown format '{}' (dot, svg, png or json)", format));
    reports::check_output("-o", a.output, {"DOT", "SVG", "PNG", "JSON"});  // not x.gif, x.pdf, x.html
    const std::string upper = format == "json" ? "JSON" : format == "dot" ? "DOT" : format == "svg" ? "SVG" : "PNG";
    if (!named.empty() && named != upper)
        throw cli::UsageError(fmt::format("--format {}: the name '{}' says {}", format, a.output, named));
    if ((format == "svg" || format == "png") && named.empty())
        throw cli::UsageError(fmt::format("--format {}: the output file name must end in .{}", format, format));
    if (format == "json" && a.view != "full") throw cli::UsageError("--format json: only --view full exports the graph as JSON");
    if (format != "json") reports::check_graph_file("-o", a.output);
    return format;
}

int run_graph(const GraphArgs& a, const std::string& format, checker::ExploreSpec spec) {
    spec.threads = 1;  // a drawing needs the state numbering of one thread (counterexample view: two runs)
    reports::ViewOptions opt;
    if (a.colour == "property") opt.colour = reports::Colour::property;
    opt.rank_by_depth = a.rank_by_depth;
    const bool json = format == "json";
    if (a.view == "socket") {
        reports::write_graph_file(reports::socket_view(!a.no_guards, !spec.roles.empty()), a.output);
        return kExitHolds;
    }
    if (a.view == "full") {
        spec.max_states = a.max_nodes + 1;
        spec.properties = 0;
        reports::FullView v(opt);
        const auto r = checker::explore(spec, &v);
        if (r.stats.states > a.max_nodes)
            throw cli::UsageError(fmt::format("the full graph has more than {} states: use --view quotient or "
                                              "--view socket, fewer sockets or options, or raise --max-nodes",
                                              a.max_nodes));
        if (json) reports::write_json(reports::enveloped("graph", v.json()), a.output);
        else reports::write_graph_file(v.graph(), a.output);
        return kExitHolds;
    }
    if (a.view == "quotient") {
        spec.properties = 0;
        reports::QuotientView v(opt);
        const auto r = checker::explore(spec, &v);
        if (r.verdict == checker::Verdict::incomplete && !r.incomplete_reason.empty())
            throw cli::UsageError("the exploration stopped (" + r.incomplete_reason + "): no graph written");
        reports::write_graph_file(v.graph(), a.output);
        return kExitHolds;
    }
    if (a.view == "counterexample") {
        if (std::popcount(spec.properties) != 1)
            throw cli::UsageError("--view counterexample needs exactly one --property");
        const auto r = checker::explore(spec);
        const auto& p = r.properties.front();
        if (!p.counterexample)
            throw cli::UsageError(fmt::format("no counterexample: {} is {} in this configuration",
                                              properties::info(p.id).name, reports::status_name(p.status)));
        reports::CounterexampleView v(opt, p.counterexample->states, p.counterexample->cycle_start);
        spec.max_states = 0;
        checker::explore(spec, &v);
        reports::write_graph_file(v.graph(), a.output);
        return kExitHolds;
    }
    throw std::logic_error("graph: view not checked");
}

// Diagrams for the HTML report: the socket view and each counterexample with its neighbourhood.
reports::HtmlFigures html_figures(const checker::ExploreSpec& spec, const checker::ExploreResult& r) {
    reports::HtmlFigures fig;
    if (!reports::have_dot()) {
        fig.note = "Graphviz 'dot' is not installed: the diagrams are left out.";
        return fig;
    }
    fig.socket_view_svg = reports::render_svg(reports::socket_view(true));
    for (const auto& p : r.properties) {
        if (!p.counterexample) continue;
        checker::ExploreSpec focus = spec;
        focus.properties = properties::bit(p.id);
        focus.progress.on = false;
        reports::CounterexampleView v({reports::Colour::property, false}, p.counterexample->states,
                                      p.counterexample->cycle_start);
        checker::explore(focus, &v);
        fig.counterexample_svgs[p.id] = reports::render_svg(v.graph());
    }
    return fig;
}

// SIGINT, SIGTERM, SIGHUP: the search stops at its next check and reports what it has, verdict incomplete, exit 3.
// The handler is reset by the first one, so a second Ctrl-C ends the process at once.
// Across ranks the ranks agree on stopping at their next exchange; but when a rank died (mpirun then signals the
// others) they would wait for it for ever: a rank the signal finds waiting for the others ends at once, exit 3, and
// one still computing gets 1 s (an alarm) to reach its next exchange.
volatile std::sig_atomic_t g_ranks = 0;
void stop_rank() {
    constexpr char kLine[] = "orphancheck: a rank stopped: a signal came while the ranks depend on each other (mpirun "
                             "stops every rank when one dies)\n";
    (void)!::write(2, kLine, sizeof kLine - 1);
    std::_Exit(3);
}
void on_interrupt(int sig) {
    checker::request_interrupt(sig);
    if (!g_ranks) return;
    if (sig == SIGTERM && cli::run_cluster()->waiting()) stop_rank();
    ::alarm(1);
}
void on_rank_alarm(int) { stop_rank(); }
void catch_interrupts() {
    struct sigaction sa {};
    sa.sa_handler = on_interrupt;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
    if (cli::run_cluster()) {
        g_ranks = 1;
        struct sigaction alarm_sa {};
        alarm_sa.sa_handler = on_rank_alarm;
        sigemptyset(&alarm_sa.sa_mask);
        sigaction(SIGALRM, &alarm_sa, nullptr);
    }
}

// --progress and --progress-interval: off unless asked; in place on a terminal, else one log line per interval.
checker::ExploreSpec::Progress progress_of(bool asked, const CLI::Option& interval_option, double interval) {
    checker::ExploreSpec::Progress p;
    p.on = asked || interval_option.count() > 0;
    p.in_place = ::isatty(2) == 1;
    if (interval_option.count() > 0 && !(interval >= 0.1 && interval <= 3600))
        throw cli::UsageError(fmt::format("--progress-interval: {} is out of range 0.1..3600 seconds", interval));
    p.interval_seconds = interval_option.count() > 0 ? interval : p.in_place ? 1 : 10;
    return p;
}

int run_mutate(const checker::ExploreSpec& spec, const std::string& json_path, checker::ExploreSpec::Progress progress) {
    if (!json_path.empty()) reports::check_output("--json", json_path, {"JSON"});  // before the mutants, not after
    const auto mutants = analysis::all_mutants();
    auto last = std::chrono::steady_clock::now();
    const auto rep = analysis::run_mutation(spec, mutants, [&](std::size_t done, std::size_t total) {
        if (!progress.on) return;
        const auto now = std::chrono::steady_clock::now();
        if (progress.in_place) fmt::print(stderr, "\r{}/{} mutants", done, total);
        else if (std::chrono::duration<double>(now - last).count() >= progress.interval_seconds || done == total) {
            fmt::print(stderr, "orphancheck: progress: {}/{} mutants\n", done, total);
            last = now;
        }
    });
    if (progress.on && progress.in_place) fmt::print(stderr, "\r{:40}\r", "");
    std::map<properties::PropertyId, std::size_t> kills;
    for (const auto& r : rep.results)
        for (auto p : properties::all_properties())
            if (r.killed_by & properties::bit(p)) ++kills[p];
    if (json_path.empty()) {
        fmt::print("{} single-edit mutants of the close-path table: {} killed, {} survived, {} equivalent, {} invalid, "
                   "{} incomplete\n",
                   rep.results.size(), rep.killed, rep.survived, rep.equivalent, rep.invalid, rep.incomplete);
        fmt::print("mutation score: {:.1f} % (killed / (killed + survived); equivalent = same reachable moves as "
                   "the original model in this configuration)\n",
                   100.0 * rep.score());
        if (rep.incomplete)
            fmt::print("incomplete: {} mutants undecided (a limit or an interrupt stopped them); the score covers the "
                       "decided ones\n",
                       rep.incomplete);
        for (const auto& [p, n] : kills) fmt::print("  {:<24} kills {}\n", properties::info(p).name, n);
        if (rep.survived) fmt::print("survivors (edits no property notices):\n");
        for (const auto& r : rep.results)
            if (r.outcome == analysis::MutantOutcome::survived)
                fmt::print("  {:<60} [{}]\n", r.mutant.describe(), model::row_summary(r.mutant.edit.row));
        return rep.incomplete ? kExitIncomplete : kExitHolds;
    }
    nlohmann::json j = reports::enveloped("mutate", {{"mutants", rep.results.size()},
                                                     {"killed", rep.killed},
                                                     {"survived", rep.survived},
                                                     {"equivalent", rep.equivalent},
                                                     {"invalid", rep.invalid},
                                                     {"incomplete", rep.incomplete},
                                                     {"score", rep.score()}});
    nlohmann::json list = nlohmann::json::array();
    for (const auto& r : rep.results) {
        nlohmann::json by = nlohmann::json::array();
        for (auto p : properties::all_properties())
            if (r.killed_by & properties::bit(p)) by.push_back(properties::info(p).name);
        list.push_back({{"edit", r.mutant.describe()}, {"outcome", analysis::outcome_name(r.outcome)}, {"killed_by", by},
                        {"states", r.states}});
    }
    j["results"] = list;
    reports::write_json(j, json_path);
    return rep.incomplete ? kExitIncomplete : kExitHolds;
}

int exit_status(checker::Verdict v) {
    switch (v) {
        case checker::Verdict::pass: return kExitHolds;
        case checker::Verdict::fail: return kExitViolated;
        case checker::Verdict::incomplete: return kExitIncomplete;
    }
    return kExitIncomplete;
}

int run_check(checker::ExploreSpec spec, const std::string& json_path, const std::string& html_path, bool quiet,
              checker::ExploreSpec::Progress progress) {
    spec.progress = progress;
    if (cli::run_cluster() && !html_path.empty())
        throw cli::UsageError("--html with mpirun ranks: the report's drawings are explored by one process (run it "
                              "without mpirun)");
    if (!html_path.empty()) {  // its drawings re-explore without reduction and need the same state numbering
        spec.threads = 1;
        spec.por = false;
    }
    // Refused before the run; written whole after it (an existing report stays until the new one is complete).
    if (!json_path.empty()) reports::check_output("--json", json_path, {"JSON"});
    if (html_path == "-") throw cli::UsageError("--html: the HTML report is written to a file, not to standard output");
    if (!html_path.empty()) reports::check_output("--html", html_path, {"HTML"});
    if (cli::silent_rank()) spec.progress.on = false;
    const checker::ExploreResult r = checker::explore(spec);
    if (g_ranks) ::alarm(0);  // the ranks are done with each other
    if (cli::silent_rank()) return exit_status(r.verdict);  // rank 0 reports for the run; every rank met the checks above
    if (!html_path.empty()) {
        std::ostringstream html;
        reports::HtmlFigures figures;
        try {
            figures = html_figures(spec, r);
        } catch (const reports::OutputError& e) {  // Graphviz: the user's file, not dot's temporary one
            throw reports::OutputError(fmt::format("cannot write '{}': {}", html_path, e.what()));
        }
        reports::write_html(html, spec, r, figures);
        reports::write_file_atomically(html_path, html.view());
    }
    if (!json_path.empty()) reports::write_json(reports::to_json(spec, r), json_path);  // first: a failed write prints no verdict
    if (json_path != "-" && !quiet) reports::write_text(std::cout, spec, r);
    return exit_status(r.verdict);
}

// Check options a subcommand registers with the others but never reads: left out of its help, and refused when
// given (refuse_empty_and_unused) rather than ignored.
struct UnusedOptions {
    std::string_view command;
    std::vector<std::string_view> options;
    std::string_view why;
};
const std::vector<UnusedOptions>& unused_check_options() {
    static const std::vector<UnusedOptions> kUnused = {
        {"graph", {"threads", "liveness"}, "a drawing is explored on one thread, the whole graph"},
        {"mutate", {"threads", "por"},
         "every mutant is searched on one thread without partial-order reduction, to compare its behaviour"},
        {"diff", {"engine", "threads", "por", "liveness"},
         "both models are explored whole by the table engine on one thread without partial-order reduction"},
        {"export",
         {"symmetry", "por", "liveness", "store", "bitstate-size", "threads", "max-states", "time-limit", "memory-limit"},
         "export writes the transition system for SPIN and searches nothing"},
        {"lifetime",
         {"engine", "symmetry", "por", "liveness", "store", "bitstate-size", "threads", "max-states", "time-limit",
          "memory-limit"},
         "the timed reading walks one socket's configurations, with no global search"},
    };
    return kUnused;
}
bool unused_by(std::string_view command, std::string_view option) {
    for (const UnusedOptions& u : unused_check_options())
        if (u.command == command && std::find(u.options.begin(), u.options.end(), option) != u.options.end()) return true;
    return false;
}

// Every option of `check` on subcommand `app`, collected into `values` as typed.
// The check options; `values` may arrive with a subcommand's own defaults, which the help shows.
void add_check_options(CLI::App* app, cli::OptionValues& values) {
    for (const auto& o : cli::check_options()) {
        const auto own = values.find(o.name);
        CLI::Option* opt = app->add_option_function<std::string>(
            std::string("--") + o.name, [&values, name = std::string(o.name)](const std::string& v) { values[name] = v; },
            fmt::format("{} [default: {}]", o.help, own != values.end() ? own->second : o.default_value));
        if (unused_by(app->get_name(), o.name)) opt->group("");  // hidden
    }
}

std::string option_name(const CLI::Option& o) {  // -o rather than --output, as the messages of the writers say
    return o.get_snames().empty() ? "--" + o.get_lnames().front() : "-" + o.get_snames().front();
}

// After parsing, for the subcommand given: an option with an empty value (--json '') and a check option the
// subcommand does not use are refused, naming the option.
void refuse_empty_and_unused(const CLI::App& cmd) {
    for (const CLI::Option* o : cmd.get_options()) {
        if (!o->nonpositional() || o->count() == 0) continue;
        if (o->get_type_size() != 0)
            for (const std::string& v : o->results())
                if (v.empty()) throw cli::UsageError(fmt::format("{}: empty value", option_name(*o)));
        for (const UnusedOptions& u : unused_check_options())
            if (u.command == cmd.get_name())
                for (std::string_view name : u.options)
                    if (option_name(*o) == "--" + std::string(name))
                        throw cli::UsageError(fmt::format("{} does not use --{} ({})", u.command, name, u.why));
    }
}

// A number option of a subcommand, checked as text before CLI11 converts it (which reads -1 into an unsigned as
// 2^64 - 1, and 0x10 as 16).
CLI::Validator integer_in(long long lo, long long hi) {
    return {[lo, hi](std::string& v) { return cli::integer_problem(v, lo, hi); }, fmt::format("{}..{}", lo, hi)};
}
// The same for options whose range the command checks with its own message (lifetime's): the text only.
CLI::Validator integer_text() {
    return {[](std::string& v) { return cli::integer_problem(v, INT_MIN, INT_MAX); }, ""};
}
CLI::Validator decimal_text() {
    return {[](std::string& v) { return cli::decimal_problem(v, -DBL_MAX, DBL_MAX); }, ""};
}

void list_properties() {
    for (auto p : properties::all_properties()) {
        const auto& i = properties::info(p);
        fmt::print("{:<24} {} [kernel: {}]\n", i.name, i.meaning, i.kernel_rule);
    }
}

// The event descriptor table (model/events.hpp): what fires each event and how it is timed.
void list_events() {
    fmt::print("{:<18} {:<24} {:<14} {:<16} {:<28} {}\n", "EVENT", "KERNEL FUNCTION", "FIRED BY", "FAIRNESS",
               "TIMING", "ROWS");
    for (const model::EventInfo& i : model::event_infos()) {
        int rows = 0;
        for (const model::RowDescription& d : model::describe_table()) rows += d.event == i.kind ? 1 : 0;
        fmt::print("{:<18} {:<24} {:<14} {:<16} {:<28} {}\n", i.id, i.kernel_function, model::source_name(i.source),
                   model::fairness_name(i.fairness), model::timing_name(i.timing), rows);
    }
}

// `rows [ROW...]`: every row, or the ones named (refused: a name that is no row).
bool row_wanted(const std::vector<std::string>& names, std::string_view row) {
    return names.empty() || std::find(names.begin(), names.end(), row) != names.end();
}

void check_row_names(const std::vector<std::string>& names) {
    for (const std::string& n : names)
        if (!model::row_from_name(n)) throw cli::UsageError(fmt::format("rows: no row named '{}' (orphancheck rows lists them)", n));
}

void list_rows(const std::vector<std::string>& names) {
    for (const model::RowDescription& d : model::describe_table()) {
        if (!row_wanted(names, model::row_name(d.row))) continue;
        fmt::print("{:<34} {} --{}--> {}  [{}] / {}\n", model::row_name(d.row), model::state_name(d.source),
                   model::kind_label(d.event),
                   model::state_name(d.target), d.guard.empty() ? "true" : d.guard, d.actions);
        fmt::print("{:<34} {}: {}\n", "", model::row_kernel_function(d.row), model::row_summary(d.row));
    }
}

// profiles, properties, rows, events: the list as text, and with --json FILE|- as JSON (text unless -).
int run_list(const std::string& json_path, const std::function<nlohmann::json()>& json, const std::function<void()>& text) {
    if (!json_path.empty()) {
        reports::check_output("--json", json_path, {"JSON"});  // not x.svg, not a missing directory
        reports::write_json(json(), json_path);
    }
    if (json_path != "-") text();
    return kExitHolds;
}
}  // namespace

static int run_command(int argc, char** argv) {
    CLI::App app{"orphancheck: model checker for the Linux TCP close path and orphan-socket accounting", "orphancheck"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("orphancheck ") + reports::kVersion);
    app.set_help_all_flag("--help-all", "help for all subcommands");

    auto* check = app.add_subcommand("check", "explore every interleaving and check the properties");
    cli::OptionValues cmdline;
    std::vector<std::string> props;
    std::string config, json_path, html_path;
    std::vector<std::string> patches, graph_patches;
    bool quiet = false, progress = false;
    add_check_options(check, cmdline);
    check->add_option("--property", props, "check only this property (repeatable; 'safety' = all but eventually-destroyed; see 'orphancheck properties')");
    check->add_option("--config", config, "TOML file with the same options (command line wins)");
    check->add_option("--patch", patches, "TOML patch file editing close-path rows (repeatable; see README)");
    check->add_option("--json", json_path, "write the JSON report to FILE, or to stdout with -");
    check->add_option("--html", html_path, "write a self-contained HTML report (diagrams need Graphviz)");
    check->add_flag("--quiet", quiet, "no text report");
    check->add_flag("--progress", progress, "progress on stderr: states, rate, depth, memory against the limit; "
                                            "a line rewritten in place on a terminal, else one line per interval");
    double progress_interval = 0;
    const CLI::Option* progress_interval_opt =
        check->add_option("--progress-interval", progress_interval,
                          "seconds between progress lines (implies --progress) [default: 1 on a terminal, 10 otherwise]")
            ->check(decimal_text());
    auto* graph = app.add_subcommand("graph", "draw the close path or the explored state graph (DOT / SVG / PNG / JSON)");
    GraphArgs ga;
    cli::OptionValues graph_cmdline{{"symmetry", "no"}};  // full view: every concrete state
    std::vector<std::string> graph_props;
    std::string graph_config;
    graph->add_option("--view", ga.view,
                      "socket: the per-socket machine; full: every global state (small configurations); quotient: "
                      "states merged by socket states and orphan count; counterexample: the path violating "
                      "--property with its neighbourhood");
    graph->add_option("-o,--output", ga.output,
                      "FILE.dot, FILE.svg, FILE.png (svg/png need Graphviz), FILE.json (full view); - for DOT on stdout");
    graph->add_flag("--no-guards", ga.no_guards, "socket view: leave the guards out of the edge tooltips and the caption");
    graph->add_option("--format", ga.format, "dot, svg, png or json (full view: nodes and edges); default: from the file name");
    graph->add_option("--colour", ga.colour, "colour states by orphans (count) or property (invariant violated)");
    graph->add_flag("--rank-by-depth", ga.rank_by_depth, "draw states of one BFS depth on one rank");
    graph->add_option("--max-nodes", ga.max_nodes, "full view: refuse graphs with more states [default: 300]")
        ->check(integer_in(1, 4'000'000'000LL));
    add_check_options(graph, graph_cmdline);
    graph->add_option("--property", graph_props, "counterexample view: the property");
    graph->add_option("--config", graph_config, "TOML file with check options");
    graph->add_option("--patch", graph_patches, "TOML patch file (as for check)");
    auto* mutate = app.add_subcommand("mutate", "check every single-edit mutant of the table: how strong are the properties?");
    cli::OptionValues mutate_cmdline{{"sockets", "1"},         {"linger2", "all"},        {"max-orphans", "all"},
                                     {"max-tw-buckets", "all"}, {"memory-pressure", "all"},
                                     {"abort", "yes"}};
    std::string mutate_json;
    bool mutate_progress = false;
    add_check_options(mutate, mutate_cmdline);
    mutate->add_option("--json", mutate_json, "write the results as JSON to FILE, or to stdout with -");
    mutate->add_flag("--progress", mutate_progress, "count mutants on stderr (in place on a terminal, else one line per interval)");
    double mutate_interval = 0;
    const CLI::Option* mutate_interval_opt =
        mutate->add_option("--progress-interval", mutate_interval,
                           "seconds between progress lines (implies --progress) [default: 1 on a terminal, 10 otherwise]")
            ->check(decimal_text());
    auto* diff = app.add_subcommand("diff", "compare two models (kernel profiles and/or patch files) on one configuration");
    cli::DiffArgs da;
    cli::OptionValues diff_cmdline{{"abort", "yes"}};
    diff->add_option("A", da.a, "first model: PROFILE, PATCH.toml (on --profile) or PROFILE+PATCH.toml[+...]")->required();
    diff->add_option("B", da.b, "second model, as A")->required();
    add_check_options(diff, diff_cmdline);
    diff->add_option("--json", da.json_path, "write the comparison as JSON to FILE, or to stdout with -");
    diff->add_option("--dot", da.dot_path, "write the union of both per-socket graphs, differences coloured (.dot/.svg/.png)");
    diff->add_option("--max-pairs", da.max_pairs, "stop the distinguishing-trace search after this many pairs of states [default: 20000000]")
        ->check(integer_in(1, 4'000'000'000LL));
    diff->add_option("--lifetime-tolerance", da.lifetime_tolerance_percent,
                     "percent a most time (as an orphan, until gone) may grow in B before it is a regression [default: 0]")
        ->check(decimal_text());
    diff->add_flag("--quiet", da.quiet, "no text report");
    auto* exporter = app.add_subcommand("export", "write the explored transition system as a Promela model (for SPIN)");
    cli::ExportArgs ea;
    cli::OptionValues export_cmdline;
    std::vector<std::string> export_props, export_patches;
    std::string export_config;
    exporter->add_flag("--promela", ea.promela, "Promela (the only format; required)");
    exporter->add_option("-o,--output", ea.output, "FILE, or - for stdout [default: -]");
    add_check_options(exporter, export_cmdline);
    exporter->add_option("--property", export_props, "assert only this property (repeatable)");
    exporter->add_option("--config", export_config, "TOML file with check options");
    exporter->add_option("--patch", export_patches, "TOML patch file (as for check)");
    auto* conform_cmd = app.add_subcommand("conform", "run live-kernel scenarios in private namespaces and check them against the model (root)");
    cli::ConformArgs ca;
    conform_cmd->add_option("--scenario", ca.scenarios, "run this scenario (repeatable; default: all short ones; see --list)");
    conform_cmd->add_flag("--long", ca.long_runs, "include the long scenarios (minutes: tcp_fin_timeout 60/120, retries 0)");
    conform_cmd->add_flag("--list", ca.list, "list the scenarios");
    conform_cmd->add_flag("--plan", ca.plan, "which scenarios can confirm which rows, and recipes for the others (from the model; no root)");
    conform_cmd->add_flag("--verbose", ca.verbose, "print every socket's samples, also when it agrees");
    conform_cmd->add_option("--json", ca.json_path, "write the results as JSON to FILE, or to stdout with -");
    conform_cmd->add_option("--profile", ca.profile, "kernel profile to check against [default: the running kernel's]");
    auto* lifetime = app.add_subcommand("lifetime", "least and most time a socket stays an orphan and until it is gone (timed reading of the model)");
    cli::LifetimeArgs la;
    cli::OptionValues lifetime_cmdline = cli::lifetime_defaults();
    add_check_options(lifetime, lifetime_cmdline);
    lifetime->add_option("--linger-seconds", la.linger_seconds, "SO_LINGER timeout of --linger timeout [default: 1]")
        ->check(integer_text());
    lifetime->add_option("--linger2-seconds", la.linger2_seconds, "TCP_LINGER2 of --linger2 short/long [default: 30 / 90]")
        ->check(integer_text());
    lifetime->add_option("--from", la.from, "close() in ESTABLISHED, in CLOSE_WAIT (after the peer's FIN) or both: established, close-wait, both [default: both]");
    lifetime->add_option("--our-fin", la.our_fin, "our FIN and its retransmissions: delivered (never lost), lost (never reach the peer) or any [default: any]");
    lifetime->add_option("--rto-min-ms", la.rto_min_ms, "TCP_RTO_MIN [default: 200]")->check(decimal_text());
    lifetime->add_option("--rto-max-ms", la.rto_max_ms, "largest RTO before backoff, when known [default: TCP_RTO_MIN + srtt, in whole jiffies]")
        ->check(decimal_text());
    lifetime->add_option("--rtt-max-ms", la.rtt_max_ms, "largest smoothed RTT [default: 4, loopback]")->check(decimal_text());
    lifetime->add_flag("--explain", la.explain, "print the path behind each row's least and most time");
    lifetime->add_option("--step-ms", la.step_ms, "longest a segment or a step of close() takes [default: 10]")
        ->check(decimal_text());
    lifetime->add_option("--hz", la.hz, "the kernel's CONFIG_HZ: host (the running kernel's), any, or a number [default: host]");
    lifetime->add_option("--json", la.json_path, "write the table as JSON to FILE, or to stdout with -");
    lifetime->add_option("--svg", la.svg_path, "write a timeline chart (SVG: orphan and until-gone bands, timers marked) to FILE, or to stdout with -");
    auto* review = app.add_subcommand("review", "map a kernel diff to the model: the rows, guards and properties each changed function touches");
    cli::ReviewArgs ra;
    review->add_option("DIFF", ra.diff, "unified diff of the kernel's TCP sources (git diff, diff -u), or - for stdin")->required();
    review->add_option("--json", ra.json_path, "write the mapping as JSON to FILE, or to stdout with -");
    review->add_option("--skeleton", ra.skeleton, "write a patch file to fill in, one commented [[edit]] per row");
    review->add_flag("--quiet", ra.quiet, "no text report");
    auto* host_cmd = app.add_subcommand("host", "the orphans on this machine: why each is there and how long it can still live (reads only)");
    cli::HostArgs ha;
    host_cmd->add_option("--netns", ha.netns, "network namespace to read: a name under /run/netns, a process id, or all "
                                             "(root); repeatable [default: this process's]");
    host_cmd->add_option("--watch", ha.watch, "watch for this many seconds: print what appears and goes, and check each "
                                             "death against its predicted window (exit 1 if one falls outside)")
        ->check(decimal_text());
    host_cmd->add_option("--json", ha.json_path, "write the reading as JSON to FILE, or to stdout with -");
    host_cmd->add_option("--explain", ha.explain, "one socket's story, by ADDR:PORT (either end)");
    std::string list_json;  // --json of profiles, properties, rows or events (one subcommand runs)
    for (const auto& [name, help] : {std::pair{"profiles", "list the kernel profiles and the kernel options they set"},
                                     std::pair{"properties", "list the properties with their meaning"},
                                     std::pair{"rows", "list the close-path rows (stable names for patches and reports)"},
                                     std::pair{"events", "list the kernel events of the model: kernel function, source, fairness, timing"}})
        app.add_subcommand(name, help)->add_option("--json", list_json, "write the list as JSON to FILE, or to stdout with -");
    std::vector<std::string> row_names;
    app.get_subcommand("rows")->add_option("ROW", row_names, "only these rows (the names patch files use; completion offers them)");
    auto* completion = app.add_subcommand("completion", "print the shell completion script (bash): source it, or install it as the package does");
    std::string shell;
    completion->add_option("SHELL", shell, "the shell: bash")->required();

    try {
        cli::join_ranks();
    } catch (const cli::UsageError& e) {
        return fail_usage(e.what());
    }
    const std::string first = argc > 1 ? argv[1] : "";
    constexpr const char* kCommands = "check, graph, diff, mutate, export, conform, lifetime, review, host, profiles, properties, rows, events or completion";
    if (first.empty()) return fail_usage(fmt::format("a command is needed: {} (--help for more)", kCommands));
    if (first[0] != '-' && first != "check" && first != "graph" && first != "diff" && first != "mutate" &&
        first != "export" && first != "conform" && first != "lifetime" && first != "review" && first != "host" && first != "profiles" && first != "properties" && first != "rows" &&
        first != "events" && first != "completion")
        return fail_usage(fmt::format("unknown command '{}' (expected {})", argv[1], kCommands));
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::string msg = e.what();
        return fail_usage(msg.substr(0, msg.find('\n')));
    }
    if (!app.got_subcommand("conform")) catch_interrupts();  // conform restores the host on its own signals
    if (cli::run_cluster() && !app.got_subcommand("check"))
        return fail_usage(fmt::format("only check runs across mpirun's ranks; run {} as one process (without mpirun)",
                                      app.get_subcommands().front()->get_name()));
    try {
        for (const CLI::App* cmd : app.get_subcommands()) refuse_empty_and_unused(*cmd);
        if (app.got_subcommand("completion")) {
            if (shell != "bash") throw cli::UsageError(fmt::format("completion: '{}': only bash is supported", shell));
            fmt::print("{}", cli::bash_completion(app));
            return kExitHolds;
        }
        if (app.got_subcommand("profiles")) return run_list(list_json, reports::profiles_json, cli::list_profiles);
        // diff and mutate let an administrator run tcp_abort unless told otherwise; a run with a listener or
        // connecting sockets cannot.
        for (auto [cmd, line] : {std::pair{diff, &diff_cmdline}, std::pair{mutate, &mutate_cmdline}}) {
            const bool roles = (line->count("listener") && line->at("listener") == "yes") ||
                               (line->count("connecting") && line->at("connecting") != "0");
            if (cmd->count("--abort") == 0 && roles) (*line)["abort"] = "no";
        }
        if (app.got_subcommand("diff")) return cli::run_diff(da, diff_cmdline);
        if (app.got_subcommand("conform")) return cli::run_conform(ca);
        if (app.got_subcommand("review")) return cli::run_review(ra);
        if (app.got_subcommand("host")) return cli::run_host(ha);
        if (app.got_subcommand("lifetime")) {
            // The kernel's default sends loss probes; with a zero window only there is nothing in flight to probe.
            const auto window = lifetime_cmdline.find("peer-window");
            if (lifetime->count("--loss-probe") == 0 && window != lifetime_cmdline.end() && window->second == "closes")
                lifetime_cmdline["loss-probe"] = "no";
            return cli::run_lifetime(la, spec_from(lifetime_cmdline, {}, "", {}));
        }
        if (app.got_subcommand("properties")) return run_list(list_json, reports::properties_json, list_properties);
        if (app.got_subcommand("mutate"))
            return run_mutate(spec_from(mutate_cmdline, {}, "", {}), mutate_json,
                              progress_of(mutate_progress, *mutate_interval_opt, mutate_interval));
        if (app.got_subcommand("graph")) {
            const std::string format = check_graph_args(ga, *graph);
            return run_graph(ga, format, spec_from(graph_cmdline, graph_props, graph_config, graph_patches));
        }
        if (app.got_subcommand("export")) {
            ea.properties_given = !export_props.empty();
            return cli::run_export(ea, spec_from(export_cmdline, export_props, export_config, export_patches));
        }
        if (app.got_subcommand("rows")) {
            check_row_names(row_names);
            const auto json = [&] {
                nlohmann::json j = reports::rows_json();
                nlohmann::json kept = nlohmann::json::array();
                for (const auto& r : j.at("rows"))
                    if (row_wanted(row_names, r.at("name").get<std::string>())) kept.push_back(r);
                j["rows"] = kept;
                return j;
            };
            return run_list(list_json, json, [&] { list_rows(row_names); });
        }
        if (app.got_subcommand("events")) return run_list(list_json, reports::events_json, list_events);
        return run_check(spec_from(cmdline, props, config, patches), json_path, html_path, quiet,
                         progress_of(progress, *progress_interval_opt, progress_interval));
    } catch (const cli::UsageError& e) {
        return fail_usage(e.what());
    } catch (const reports::OutputError& e) {
        return fail_usage(e.what());
    } catch (const checker::SpecError& e) {
        return fail_usage(e.what());
    } catch (const model::PatchError& e) {
        return fail_usage(e.what());
    } catch (const std::system_error&) {  // fmt::print could not write standard output
        return fail_usage("writing standard output failed");
    } catch (const checker::CapacityError& e) {
        if (!cli::silent_rank()) std::cerr << "orphancheck: incomplete: " << e.what() << "\n";
        return kExitIncomplete;
    } catch (const std::exception& e) {
        std::cerr << "orphancheck: internal error: " << e.what() << "\n";
        if (checker::Cluster* ranks = cli::run_cluster()) ranks->abort(kExitIncomplete);  // the others wait for it
        return kExitIncomplete;
    }
}

// Every write is checked, standard output included: a report that did not reach its reader is a failure.
int main(int argc, char** argv) {
    const int code = run_command(argc, argv);
    if (code == kExitBadInput) return code;  // said already, in its one line
    try {
        reports::check_stdout();
    } catch (const reports::OutputError& e) {
        return fail_usage(e.what());
    }
    return code;
}
