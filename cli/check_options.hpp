// Options of `orphancheck check`: collected as text (from the TOML config
// file first, then the command line), then validated into an ExploreSpec.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "orphancheck/checker/spec.hpp"

namespace orphancheck::cli {

// Bad input: printed as one line, exit code 2.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct OptionInfo {
    const char* name;
    const char* default_value;
    const char* help;
};
// Every option `check` takes besides --config/--json/--property/--quiet/--progress.
const std::vector<OptionInfo>& check_options();

using OptionValues = std::map<std::string, std::string>;  // option name -> value as typed

[[nodiscard]] checker::ExploreSpec build_spec(const OptionValues& given, const std::vector<std::string>& props);

}  // namespace orphancheck::cli
