// The one translation unit that compiles toml++'s parser (TOML_HEADER_ONLY=0
// is set for the whole target, with the nesting bound TOML_MAX_NESTED_VALUES).
#define TOML_IMPLEMENTATION
#include "toml_file.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "check_options.hpp"

namespace orphancheck::cli {

toml::table parse_toml_text(const std::string& option, const std::string& path, std::string_view text) {
    if (text.size() > kMaxTomlBytes)
        throw UsageError(fmt::format("{}: '{}' is larger than 1 MiB: not a config or patch file", option, path));
    std::size_t line = 1;
    for (std::size_t at = 0; at < text.size(); ++line) {
        const std::size_t end = std::min(text.find('\n', at), text.size());
        const std::string_view text_line = text.substr(at, end - at);
        if (text_line.size() > kMaxTomlLine)
            throw UsageError(fmt::format("{}: line {} of '{}' is longer than {} bytes", option, line, path, kMaxTomlLine));
        // ASCII only: toml++ 3.3 (Debian 12's) reaches undefined behaviour on some non-ASCII characters in keys,
        // in strings and in comment-like lines of multi-line strings (marzer/tomlplusplus#190, #295; found by fuzz/).
        const auto non_ascii = std::find_if(text_line.begin(), text_line.end(),
                                            [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
        if (non_ascii != text_line.end())
            throw UsageError(fmt::format("{}: line {} of '{}' has a non-ASCII character (column {}): config and patch "
                                         "files are ASCII",
                                         option, line, path, non_ascii - text_line.begin() + 1));
        at = end + 1;
    }
    try {
        return toml::parse(text, path);
    } catch (const toml::parse_error& e) {
        std::string msg(e.description());
        std::replace(msg.begin(), msg.end(), '\n', ' ');
        throw UsageError(fmt::format("{}: malformed TOML in '{}' at line {}: {}", option, path, e.source().begin.line,
                                     msg.substr(0, 200)));
    }
}

toml::table read_toml_file(const std::string& option, const std::string& path) {
    if (path.empty()) throw UsageError(fmt::format("{}: empty file name", option));
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw UsageError(fmt::format("{}: cannot read '{}'", option, path));
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec && size > kMaxTomlBytes)
        throw UsageError(fmt::format("{}: '{}' is larger than 1 MiB: not a config or patch file", option, path));
    std::ifstream in(path, std::ios::binary);
    std::string text;
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (!in && !in.eof()) throw UsageError(fmt::format("{}: cannot read '{}'", option, path));
    return parse_toml_text(option, path, text);
}

}  // namespace orphancheck::cli
