// Reading a TOML file given to an option (--config, --patch): a regular,
// readable file with a well-formed table, or a one-line UsageError.
#pragma once

#include <string>

#include <toml.hpp>

namespace orphancheck::cli {

[[nodiscard]] toml::value read_toml_file(const std::string& option, const std::string& path);

}  // namespace orphancheck::cli
