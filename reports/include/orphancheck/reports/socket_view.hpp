// The per-socket close-path machine as a diagram: one node per TCP state,
// one edge per MSM row, labelled "event [guard] / actions". Orphan states,
// timewait buckets and the destroyed state are drawn apart.
#pragma once

#include "orphancheck/reports/dot.hpp"

namespace orphancheck::reports {

[[nodiscard]] DotGraph socket_view(bool show_guards = true);

}  // namespace orphancheck::reports
