// Reading a TOML file given to an option (--config, --patch): a regular,
// readable ASCII file (see toml_file.cpp) of at most 1 MiB with no line
// longer than 4 KiB, and arrays
// and inline tables nested at most 16 deep, holding a well-formed table; anything else is a
// one-line UsageError. The bounds keep the reader linear and its recursion
// shallow whatever the file holds (toml++ bounds array nesting itself; a
// long dotted header would otherwise build a deep chain of tables).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <toml++/toml.h>

namespace orphancheck::cli {

inline constexpr std::size_t kMaxTomlBytes = std::size_t(1) << 20;
inline constexpr std::size_t kMaxTomlLine = 4096;

// Parses TEXT (named PATH in messages) for OPTION.
[[nodiscard]] toml::table parse_toml_text(const std::string& option, const std::string& path, std::string_view text);
[[nodiscard]] toml::table read_toml_file(const std::string& option, const std::string& path);

}  // namespace orphancheck::cli
