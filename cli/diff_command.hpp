// `orphancheck diff A B` and `orphancheck profiles`.
#pragma once

#include <cstdint>
#include <string>

#include "check_options.hpp"
#include "orphancheck/analysis/model_diff.hpp"

namespace orphancheck::cli {

struct DiffArgs {
    std::string a, b;  // PROFILE, PATCH.toml or PROFILE+PATCH.toml[+PATCH.toml...]
    std::string json_path, dot_path;
    std::uint64_t max_pairs = 20'000'000;
    double lifetime_tolerance_percent = 0;  // a most time may grow this much before it is a regression
    bool quiet = false;
};

// A model named on diff's command line: "linux-5.15", "fix.toml" (on --profile) or "linux-6.12+a.toml+b.toml",
// with `options` as the configuration; UsageError when the name or a patch file is bad.
[[nodiscard]] analysis::ModelRef model_ref(const std::string& text, OptionValues options);

// Exit code: 0 no property goes from holds to violated and no socket lives longer, 1 one does, 3 incomplete.
int run_diff(const DiffArgs& args, const OptionValues& options);
void list_profiles();

}  // namespace orphancheck::cli
