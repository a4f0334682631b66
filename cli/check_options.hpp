// Options of `orphancheck check`: collected as text (from the TOML config
// file first, then the command line), then validated into an ExploreSpec.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "orphancheck/checker/spec.hpp"

namespace orphancheck::cli {

// `text` on one line: control characters (a newline in a value read from a file, say) written as \n, \t or \xNN.
[[nodiscard]] std::string one_line(std::string_view text);

// Bad input: printed as one line (one_line), exit code 2.
struct UsageError : std::runtime_error {
    explicit UsageError(std::string_view what) : std::runtime_error(one_line(what)) {}
};

struct OptionInfo {
    const char* name;
    const char* default_value;
    const char* help;
    // The values offered by shell completion, space-separated ("" for a number or a size); a test checks that
    // each one is accepted.
    const char* choices = "";
};
// Every option `check` takes besides --config/--json/--property/--quiet/--progress.
const std::vector<OptionInfo>& check_options();

using OptionValues = std::map<std::string, std::string>;  // option name -> value as typed

[[nodiscard]] checker::ExploreSpec build_spec(const OptionValues& given, const std::vector<std::string>& props);

// Why `v` is not a whole number in lo..hi, or "" when it is: decimal digits with an optional '-' only (no '+', 0x,
// exponent, space or trailing text), so that nothing wraps around or is read in part.
[[nodiscard]] std::string integer_problem(const std::string& v, long long lo, long long hi);
// The same for a decimal number: digits with at most one '.', an optional '-' (no exponent, inf or nan).
[[nodiscard]] std::string decimal_problem(const std::string& v, double lo, double hi);

}  // namespace orphancheck::cli
