#include "review_command.hpp"

#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <nlohmann/json.hpp>

#include "check_options.hpp"
#include "orphancheck/analysis/review.hpp"
#include "orphancheck/model/close_path.hpp"
#include "orphancheck/model/events.hpp"
#include "orphancheck/reports/json_envelope.hpp"
#include "orphancheck/reports/output_file.hpp"
#include "orphancheck/reports/report.hpp"

namespace orphancheck::cli {
namespace {

constexpr std::size_t kMaxDiffBytes = 16u << 20;  // a large kernel series is a few MiB

std::string read_diff(const std::string& path) {
    std::string text;
    if (path == "-") {
        text.assign(std::istreambuf_iterator<char>(std::cin), {});
    } else {
        std::ifstream in(path, std::ios::binary);
        if (!in) throw UsageError(fmt::format("review: cannot read {}", path));
        text.assign(std::istreambuf_iterator<char>(in), {});
        if (in.bad()) throw UsageError(fmt::format("review: cannot read {}", path));
    }
    if (text.size() > kMaxDiffBytes)
        throw UsageError(fmt::format("review: {} is larger than 16 MiB: review the diff in parts", path));
    if (text.find('\0') != std::string::npos) throw UsageError(fmt::format("review: {} is binary, not a diff", path));
    return text;
}

std::string where(const analysis::ReviewedFunction& f) {
    std::set<std::string> files;
    std::string s;
    for (const auto& c : f.changes) {
        const std::string lines = c.first_line == c.last_line ? fmt::format("{}", c.first_line)
                                                               : fmt::format("{}-{}", c.first_line, c.last_line);
        s += fmt::format("{}{}:{}", s.empty() ? "" : ", ", c.file, lines);
    }
    return s;
}

std::string row_line(const model::KernelDependency& dep) {
    const model::RowDescription& d = model::describe_table()[std::size_t(dep.row)];
    return fmt::format("{:<36} {} --{}--> {}  (via {})", model::row_name(dep.row), model::state_name(d.source),
                       model::kind_label(d.event), model::state_name(d.target), dep.via);
}

std::string property_list(const std::vector<properties::PropertyId>& ps) {
    std::string s;
    for (auto p : ps) s += (s.empty() ? "" : ", ") + std::string(properties::info(p).name);
    return s;
}

void write_text(std::ostream& out, const analysis::Review& r, const std::string& name) {
    std::size_t inside = 0;
    for (const auto& f : r.functions) inside += f.rows.empty() ? 0 : 1;
    fmt::print(out, "orphancheck {} review {}: {} hunk{}, {} function{} changed, {} in the model\n", reports::kVersion,
               name, r.hunks, r.hunks == 1 ? "" : "s", r.functions.size(), r.functions.size() == 1 ? "" : "s", inside);
    for (const auto& f : r.functions) {
        const std::string fn = f.function.empty() ? "(file scope)" : f.function;
        if (f.rows.empty()) {
            fmt::print(out, "\n  {}  ({}): outside the model\n", fn, where(f));
            continue;
        }
        fmt::print(out, "\n  {}  ({}): {} row{}\n", fn, where(f), f.rows.size(), f.rows.size() == 1 ? "" : "s");
        for (const auto& dep : f.rows) fmt::print(out, "    {}\n", row_line(dep));
        fmt::print(out, "    properties that read these rows: {}\n", property_list(f.properties));
    }
    if (inside > 0)
        fmt::print(out, "\nnext: restate the change as a patch file (--skeleton FILE writes one to fill in), then "
                        "orphancheck diff PROFILE PROFILE+FILE\n");
}

nlohmann::json to_json(const analysis::Review& r, const std::string& name) {
    nlohmann::json fns = nlohmann::json::array();
    for (const auto& f : r.functions) {
        nlohmann::json changes = nlohmann::json::array(), rows = nlohmann::json::array(), props = nlohmann::json::array();
        for (const auto& c : f.changes)
            changes.push_back({{"file", c.file}, {"first_line", c.first_line}, {"last_line", c.last_line}});
        for (const auto& dep : f.rows) rows.push_back({{"row", model::row_name(dep.row)}, {"via", dep.via}});
        for (auto p : f.properties) props.push_back(properties::info(p).name);
        fns.push_back({{"function", f.function},
                       {"in_model", !f.rows.empty()},
                       {"changes", changes},
                       {"rows", rows},
                       {"properties", props}});
    }
    return reports::enveloped("review", {{"diff", name}, {"hunks", r.hunks}, {"functions", fns}});
}
}  // namespace

analysis::Review read_review(const std::string& path) {
    const std::string text = read_diff(path);
    try {
        return analysis::review_diff(analysis::parse_unified_diff(text));
    } catch (const analysis::DiffSyntaxError& e) {
        throw UsageError(fmt::format("review: {}: {}", path, e.what()));
    }
}

int run_review(const ReviewArgs& args) {
    if (args.diff.empty()) throw UsageError("review: empty diff file name");
    if (!args.json_path.empty()) reports::check_output("--json", args.json_path, {"JSON"});
    if (!args.skeleton.empty()) reports::check_output("--skeleton", args.skeleton, {"TOML"});
    const analysis::Review r = read_review(args.diff);
    if (!args.skeleton.empty()) reports::write_file_atomically(args.skeleton, analysis::patch_skeleton(r, args.diff));
    if (!args.json_path.empty()) reports::write_json(to_json(r, args.diff), args.json_path);
    if (!args.quiet && args.json_path != "-") write_text(std::cout, r, args.diff);
    return 0;
}

}  // namespace orphancheck::cli
