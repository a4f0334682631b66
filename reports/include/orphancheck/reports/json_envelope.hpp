// The envelope every JSON document orphancheck writes starts with, whatever the command:
// {"tool": "orphancheck", "version": kVersion, "schema": kJsonSchema, "command": "<subcommand>", ...}.
// schemas/<command>.schema.json describes the rest (tests/test_schemas.cpp validates each command's output).
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace orphancheck::reports {

// The version of the JSON layout: raised when a key is renamed or removed or its meaning changes (adding a key
// keeps it).
inline constexpr int kJsonSchema = 1;

// The four envelope keys for `command` ("check", "graph", ...).
[[nodiscard]] nlohmann::json envelope(std::string_view command);

// envelope(command) with the keys of `body` (an object) after it. Throws std::logic_error when `body` is not an
// object or holds an envelope key itself.
[[nodiscard]] nlohmann::json enveloped(std::string_view command, const nlohmann::json& body);

}  // namespace orphancheck::reports
