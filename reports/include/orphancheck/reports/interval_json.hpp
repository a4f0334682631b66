// An analysis::Interval as JSON, as `lifetime`, `conform` and `diff` write it:
// {"min": seconds, "max": seconds or null when unbounded}.
#pragma once

#include <nlohmann/json.hpp>

#include "orphancheck/analysis/timed.hpp"

namespace orphancheck::reports {

inline nlohmann::json interval_json(const analysis::Interval& i) {
    return {{"min", i.lo}, {"max", i.hi ? nlohmann::json(*i.hi) : nlohmann::json(nullptr)}};
}

}  // namespace orphancheck::reports
