// `orphancheck diff A B` and `orphancheck profiles`.
#pragma once

#include <cstdint>
#include <string>

#include "check_options.hpp"

namespace orphancheck::cli {

struct DiffArgs {
    std::string a, b;  // PROFILE, PATCH.toml or PROFILE+PATCH.toml[+PATCH.toml...]
    std::string json_path, dot_path;
    std::uint64_t max_pairs = 20'000'000;
    bool quiet = false;
};

// Exit code: 0 no property goes from holds to violated, 1 one does, 3 incomplete.
int run_diff(const DiffArgs& args, const OptionValues& options);
void list_profiles();

}  // namespace orphancheck::cli
