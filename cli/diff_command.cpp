#include "diff_command.hpp"

#include <fstream>
#include <iostream>
#include <vector>

#include <fmt/format.h>

#include "orphancheck/model/kernel_profile.hpp"
#include "orphancheck/reports/diff_report.hpp"
#include "orphancheck/reports/dot.hpp"
#include "patch_file.hpp"
#include "orphancheck/reports/output_file.hpp"

namespace orphancheck::cli {
namespace {

bool is_patch_path(const std::string& s) { return s.size() > 5 && s.ends_with(".toml"); }

}  // namespace

analysis::ModelRef model_ref(const std::string& text, OptionValues options) {
    if (text.empty()) throw UsageError("diff: an empty model name (expected PROFILE, PATCH.toml or PROFILE+PATCH.toml)");
    std::vector<std::string> parts;
    for (std::size_t start = 0;;) {
        const std::size_t plus = text.find('+', start);
        parts.push_back(text.substr(start, plus == std::string::npos ? std::string::npos : plus - start));
        if (plus == std::string::npos) break;
        start = plus + 1;
    }
    std::size_t first_patch = 0;
    if (!is_patch_path(parts[0])) {
        if (!model::find_profile(parts[0]))
            throw UsageError(fmt::format("diff: '{}' is neither a kernel profile (see 'orphancheck profiles') nor a "
                                         "patch file (*.toml)",
                                         parts[0]));
        options["profile"] = parts[0];
        first_patch = 1;
    }
    analysis::ModelRef ref{text, build_spec(options, {})};
    for (std::size_t i = first_patch; i < parts.size(); ++i)
        if (!is_patch_path(parts[i]))
            throw UsageError(fmt::format("diff: '{}' in '{}' is not a patch file (*.toml)", parts[i], text));
    read_patch_files(std::vector<std::string>(parts.begin() + std::ptrdiff_t(first_patch), parts.end()), ref.spec.patch);
    if (first_patch == 0) ref.name = ref.spec.profile + "+" + text;
    return ref;
}

int run_diff(const DiffArgs& args, const OptionValues& options) {
    // Refused before the work: the outputs, impossible values, and options neither model reads.
    if (!(args.lifetime_tolerance_percent >= 0) || args.lifetime_tolerance_percent > 1000)
        throw UsageError(fmt::format("--lifetime-tolerance: {} is not a percentage from 0 to 1000",
                                     args.lifetime_tolerance_percent));
    if (!args.json_path.empty()) reports::check_output("--json", args.json_path, {"JSON"});
    if (!args.dot_path.empty()) reports::check_graph_file("--dot", args.dot_path);
    if (options.count("profile")) {
        (void)build_spec(options, {});  // an unknown --profile is refused even where A and B name their own
        if (!is_patch_path(args.a.substr(0, args.a.find('+'))) && !is_patch_path(args.b.substr(0, args.b.find('+'))))
            throw UsageError("diff does not use --profile here: A and B both name their kernel profile (it is the "
                             "profile of a model given as PATCH.toml alone)");
    }
    const auto a = model_ref(args.a, options);
    const auto b = model_ref(args.b, options);
    const auto d = analysis::diff_models(a, b, args.max_pairs, args.lifetime_tolerance_percent / 100.0);
    if (!args.json_path.empty()) reports::write_json(reports::diff_json(d), args.json_path);
    if (!args.quiet && args.json_path != "-") reports::write_diff_text(std::cout, d);
    if (!args.dot_path.empty()) reports::write_graph_file(reports::diff_graph(d), args.dot_path);
    return d.regression() || d.lifetime_regression() ? 1 : d.incomplete() ? 3 : 0;
}

void list_profiles() {
    for (const auto& p : model::kernel_profiles()) {
        fmt::print("{}{}  ({})\n", p.name, p.name == model::kDefaultProfile ? " [default]" : "", p.release);
        for (const auto& o : model::kernel_option_infos())
            fmt::print("    {:<22} {}\n", o.name, p.options.*o.member ? "yes" : "no");
        fmt::print("    {}\n", p.notes);
    }
    fmt::print("\nkernel options (a patch file may set them in [options]):\n");
    for (const auto& o : model::kernel_option_infos())
        fmt::print("  {}: {}\n    introduced by: {}\n", o.name, o.meaning, o.change);
    fmt::print("\nguard constants (a patch file may set them in [constants]; every profile uses the default):\n");
    const model::KernelOptions defaults;
    for (const auto& c : model::kernel_constant_infos())
        fmt::print("  {} = {} ({}..{}): {}\n", c.name, defaults.*c.member, c.min, c.max, c.meaning);
}

}  // namespace orphancheck::cli
