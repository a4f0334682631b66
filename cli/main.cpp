// orphancheck: a model checker for the Linux TCP close path and its orphan
// accounting. Subcommands: check, graph, properties, rows.
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include "check_options.hpp"
#include "config_file.hpp"
#include "orphancheck/checker/explorer.hpp"
#include "orphancheck/model/close_path.hpp"
#include "orphancheck/model/rows.hpp"
#include "orphancheck/properties/property.hpp"
#include "orphancheck/reports/report.hpp"
#include "orphancheck/reports/socket_view.hpp"

namespace {
using namespace orphancheck;

constexpr int kExitHolds = 0, kExitViolated = 1, kExitBadInput = 2, kExitIncomplete = 3;

int fail_usage(const std::string& msg) {
    std::cerr << "orphancheck: error: " << msg << "\n";
    return kExitBadInput;
}

int run_check(const cli::OptionValues& cmdline, const std::vector<std::string>& props, const std::string& config,
              const std::string& json_path, bool quiet, bool progress) {
    cli::OptionValues values;
    std::vector<std::string> all_props = props;
    if (!config.empty()) {
        auto file = cli::read_config_file(config);
        values = file.values;
        if (props.empty()) all_props = file.properties;
    }
    for (const auto& [k, v] : cmdline) values[k] = v;
    checker::ExploreSpec spec = cli::build_spec(values, all_props);
    spec.progress = progress;
    std::ofstream json_file;
    if (!json_path.empty() && json_path != "-") {
        json_file.open(json_path);
        if (!json_file) throw cli::UsageError(fmt::format("--json: cannot write '{}'", json_path));
    }
    const checker::ExploreResult r = checker::explore(spec);
    if (json_path == "-") {
        std::cout << reports::to_json(spec, r).dump(2) << "\n";
    } else {
        if (!quiet) reports::write_text(std::cout, spec, r);
        if (json_file.is_open()) json_file << reports::to_json(spec, r).dump(2) << "\n";
    }
    switch (r.verdict) {
        case checker::Verdict::pass: return kExitHolds;
        case checker::Verdict::fail: return kExitViolated;
        case checker::Verdict::incomplete: return kExitIncomplete;
    }
    return kExitIncomplete;
}

void list_properties() {
    for (auto p : properties::all_properties()) {
        const auto& i = properties::info(p);
        fmt::print("{:<24} {} [kernel: {}]\n", i.name, i.meaning, i.kernel_rule);
    }
}

void list_rows() {
    for (const model::RowDescription& d : model::describe_table()) {
        fmt::print("{:<34} {} --{}--> {}  [{}] / {}\n", model::row_name(d.row), model::state_name(d.source),
                   model::kind_label(d.event),
                   model::state_name(d.target), d.guard.empty() ? "true" : d.guard, d.actions);
        fmt::print("{:<34} {}: {}\n", "", model::row_kernel_function(d.row), model::row_summary(d.row));
    }
}
}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"orphancheck: model checker for the Linux TCP close path and orphan-socket accounting"};
    app.require_subcommand(1);
    app.set_help_all_flag("--help-all", "help for all subcommands");

    auto* check = app.add_subcommand("check", "explore every interleaving and check the properties");
    cli::OptionValues cmdline;
    std::vector<std::string> props;
    std::string config, json_path;
    bool quiet = false, progress = false;
    for (const auto& o : cli::check_options()) {
        check->add_option_function<std::string>(
            std::string("--") + o.name, [&cmdline, name = std::string(o.name)](const std::string& v) { cmdline[name] = v; },
            fmt::format("{} [default: {}]", o.help, o.default_value));
    }
    check->add_option("--property", props, "check only this property (repeatable; see 'orphancheck properties')");
    check->add_option("--config", config, "TOML file with the same options (command line wins)");
    check->add_option("--json", json_path, "write the JSON report to FILE, or to stdout with -");
    check->add_flag("--quiet", quiet, "no text report");
    check->add_flag("--progress", progress, "progress line on stderr every second");
    auto* graph = app.add_subcommand("graph", "draw the close path as a DOT / SVG / PNG graph");
    std::string view = "socket", out_path = "-";
    bool no_guards = false;
    graph->add_option("--view", view, "socket: the per-socket close-path machine, one edge per MSM row");
    graph->add_option("-o,--output", out_path, "FILE.dot, FILE.svg or FILE.png (svg/png need Graphviz); - for DOT on stdout");
    graph->add_flag("--no-guards", no_guards, "leave the guards out of the edge labels");
    app.add_subcommand("properties", "list the properties with their meaning");
    app.add_subcommand("rows", "list the close-path rows (stable names for patches and reports)");

    const std::string first = argc > 1 ? argv[1] : "";
    if (first.empty()) return fail_usage("a command is needed: check, graph, properties or rows (--help for more)");
    if (first[0] != '-' && first != "check" && first != "graph" && first != "properties" && first != "rows")
        return fail_usage(fmt::format("unknown command '{}' (expected check, graph, properties or rows)", argv[1]));
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::string msg = e.what();
        return fail_usage(msg.substr(0, msg.find('\n')));
    }
    try {
        if (app.got_subcommand("properties")) {
            list_properties();
            return kExitHolds;
        }
        if (app.got_subcommand("graph")) {
            if (view != "socket") throw cli::UsageError(fmt::format("--view: unknown view '{}' (available: socket)", view));
            reports::write_graph_file(reports::socket_view(!no_guards), out_path);
            return kExitHolds;
        }
        if (app.got_subcommand("rows")) {
            list_rows();
            return kExitHolds;
        }
        return run_check(cmdline, props, config, json_path, quiet, progress && isatty(2));
    } catch (const cli::UsageError& e) {
        return fail_usage(e.what());
    } catch (const reports::OutputError& e) {
        return fail_usage(e.what());
    } catch (const checker::SpecError& e) {
        return fail_usage(e.what());
    } catch (const std::exception& e) {
        std::cerr << "orphancheck: internal error: " << e.what() << "\n";
        return kExitIncomplete;
    }
}
