// Reports of `orphancheck diff`: text for people, JSON for machines, and the
// union of both per-socket graphs as DOT with the differences coloured.
#pragma once

#include <ostream>

#include <nlohmann/json.hpp>

#include "orphancheck/analysis/model_diff.hpp"
#include "orphancheck/reports/dot.hpp"

namespace orphancheck::reports {

void write_diff_text(std::ostream& out, const analysis::ModelDiff& d);
[[nodiscard]] nlohmann::json diff_json(const analysis::ModelDiff& d);
// Socket configurations as nodes, reached moves as edges: black in both, red in A only, blue in B only.
[[nodiscard]] DotGraph diff_graph(const analysis::ModelDiff& d);

}  // namespace orphancheck::reports
