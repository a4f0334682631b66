// The model's reference lists as JSON, with the envelope (json_envelope.hpp): what `orphancheck profiles`,
// `properties`, `rows` and `events` print as text, for `--json FILE|-`.
#pragma once

#include <nlohmann/json.hpp>

namespace orphancheck::reports {

// The kernel profiles with the options each sets, the kernel options (meaning, the change behind each) and the
// guard constants (default, range, meaning).
[[nodiscard]] nlohmann::json profiles_json();
// Every property: name, kind, meaning, kernel rule.
[[nodiscard]] nlohmann::json properties_json();
// Every MSM row: name, source, event, target, guard, actions, kernel function, summary.
[[nodiscard]] nlohmann::json rows_json();
// Every kernel event: id, kernel function, what fires it, fairness, timing, the rows it drives.
[[nodiscard]] nlohmann::json events_json();

}  // namespace orphancheck::reports
