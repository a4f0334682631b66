// The wire format between the namespace reader child and its parent (and the "sockets" of host --json).
#pragma once

#include <nlohmann/json.hpp>

#include "orphancheck/host/reading.hpp"

namespace orphancheck::host {

[[nodiscard]] nlohmann::json socket_to_json(const conform::DiagSocket& s);
[[nodiscard]] nlohmann::json reading_to_json(const NamespaceReading& r);
[[nodiscard]] NamespaceReading reading_from_json(const nlohmann::json& j);

}  // namespace orphancheck::host
