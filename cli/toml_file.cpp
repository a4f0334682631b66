#include "toml_file.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "check_options.hpp"

namespace orphancheck::cli {

toml::value read_toml_file(const std::string& option, const std::string& path) {
    if (path.empty()) throw UsageError(fmt::format("{}: empty file name", option));
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw UsageError(fmt::format("{}: cannot read '{}'", option, path));
    std::ifstream in(path);
    if (!in) throw UsageError(fmt::format("{}: cannot read '{}'", option, path));
    toml::value root;
    try {
        root = toml::parse(in, path);
    } catch (const std::exception& e) {
        std::string msg = e.what();
        msg.erase(std::remove(msg.begin(), msg.end(), '\n'), msg.end());
        throw UsageError(fmt::format("{}: malformed TOML in '{}': {}", option, path, msg.substr(0, 200)));
    }
    if (!root.is_table()) throw UsageError(fmt::format("{}: '{}' is not a TOML table", option, path));
    return root;
}

}  // namespace orphancheck::cli
