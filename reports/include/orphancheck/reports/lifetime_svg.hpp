// `orphancheck lifetime --svg`: the lifetime table as a timeline chart, plain
// SVG written here (no Graphviz). One row per configuration (case, close()
// variant, state close() is called in) with two bands, least to most time: as
// an orphan, and until the socket is gone. The timers that fire on the paths
// behind the bounds are marked on the gone band. Time runs on a log scale, so
// that a 200 ms RTO and a 60 s TIME_WAIT are both visible.
#pragma once

#include <string>
#include <vector>

#include "orphancheck/analysis/lifetime.hpp"

namespace orphancheck::reports {

struct LifetimeTimer {
    double at = 0;      // seconds after close()
    std::string event;  // "retransmit timer fires"
    bool on_most_path = false;  // else on the least path
};

struct LifetimeRow {
    std::string group;   // the case: sysctls and options shared by several rows
    std::string label;   // the close() variant and the state it is called in
    analysis::Interval orphan, gone;
    std::string why_unbounded;
    std::vector<LifetimeTimer> timers;
};

// The timers among a path's steps: the events of a kind whose delay a kernel timer sets (model::Timing other
// than instant and anytime), at their time on the path.
[[nodiscard]] std::vector<LifetimeTimer> path_timers(const std::vector<analysis::PathStep>& path, bool most);

// A standalone SVG document (XML prolog, one <svg> root) of `rows`, headed by `title`.
[[nodiscard]] std::string lifetime_svg(const std::string& title, const std::vector<LifetimeRow>& rows);

}  // namespace orphancheck::reports
