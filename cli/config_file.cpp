#include "config_file.hpp"

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>

#include "toml_file.hpp"

namespace orphancheck::cli {
namespace {

std::string scalar_text(const std::string& path, const std::string& key, const toml::node& v) {
    if (const auto i = v.value_exact<std::int64_t>()) return std::to_string(*i);
    if (const auto d = v.value_exact<double>()) {
        if (key != "time-limit" && key != "time_limit")
            throw UsageError(fmt::format("{}: key '{}' must be an integer, not a floating-point number", path, key));
        return fmt::format("{}", *d);
    }
    if (const auto s = v.value_exact<std::string>()) return *s;
    if (const auto b = v.value_exact<bool>()) return *b ? "yes" : "no";
    throw UsageError(fmt::format("{}: key '{}' must be a number, string, boolean or array of them", path, key));
}

}  // namespace

FileOptions read_config_file(const std::string& path) {
    const toml::table root = read_toml_file("--config", path);
    FileOptions out;
    for (const auto& [toml_key, v] : root) {
        const std::string raw_key(toml_key.str());
        std::string key = raw_key;
        std::replace(key.begin(), key.end(), '_', '-');
        if (key == "properties") {
            if (!v.is_array()) throw UsageError(fmt::format("{}: 'properties' must be an array of names", path));
            for (const auto& p : *v.as_array()) out.properties.push_back(scalar_text(path, key, p));
            if (out.properties.empty()) throw UsageError(fmt::format("{}: 'properties' is empty", path));
            continue;
        }
        const auto& known = check_options();
        if (std::none_of(known.begin(), known.end(), [&](const OptionInfo& o) { return key == o.name; }))
            throw UsageError(fmt::format("{}: unknown key '{}'", path, raw_key));
        if (out.values.count(key))
            throw UsageError(fmt::format("{}: key '{}' given twice (dashes and underscores are the same)", path, raw_key));
        std::string text;
        if (v.is_array()) {
            for (const auto& item : *v.as_array()) {
                if (!text.empty()) text += ',';
                text += scalar_text(path, raw_key, item);
            }
        } else {
            text = scalar_text(path, raw_key, v);
        }
        out.values[key] = text;
    }
    return out;
}

}  // namespace orphancheck::cli
