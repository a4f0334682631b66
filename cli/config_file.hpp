// `--config FILE.toml`: the same options as the command line, as TOML keys
// (dashes or underscores), plus `properties = [...]`.
#pragma once

#include <string>
#include <vector>

#include "check_options.hpp"

namespace orphancheck::cli {

struct FileOptions {
    OptionValues values;
    std::vector<std::string> properties;
};

// Throws UsageError naming the file and the problem.
[[nodiscard]] FileOptions read_config_file(const std::string& path);

}  // namespace orphancheck::cli
