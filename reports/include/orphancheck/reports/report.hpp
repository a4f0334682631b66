// Reports of a check: text for people, JSON for machines (schema in the
// README: tool, version, verdict, config, stats, properties).
#pragma once

#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "orphancheck/checker/result.hpp"
#include "orphancheck/checker/spec.hpp"

namespace orphancheck::reports {

inline constexpr const char* kVersion = "0.1.0";

[[nodiscard]] std::string_view verdict_name(checker::Verdict v);
[[nodiscard]] std::string_view status_name(checker::Status s);

void write_text(std::ostream& out, const checker::ExploreSpec& spec, const checker::ExploreResult& r);
void write_trace(std::ostream& out, const checker::Trace& t);
[[nodiscard]] nlohmann::json trace_json(const checker::Trace& t);
[[nodiscard]] nlohmann::json to_json(const checker::ExploreSpec& spec, const checker::ExploreResult& r);

}  // namespace orphancheck::reports
