// `orphancheck lifetime`: from the timed reading of the model, the least and
// the most time a socket spends as an orphan after close(), and until it is
// gone (destroyed, no timewait bucket), for one case.
//
// Paths are weighed with move_delay(). Timers wait while a segment or a step
// of close() is due (those come first: maximal progress). The most time is
// unbounded when a path can wait for the peer or an administrator, or can go
// round a cycle that takes time.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "orphancheck/analysis/socket_graph.hpp"
#include "orphancheck/analysis/timed.hpp"

namespace orphancheck::analysis {

enum class CloseFrom { established, close_wait };  // close() before or after the peer's FIN

struct LifetimeQuery {
    checker::CaseConfig config;  // one close event
    int sockets = 1;
    CloseFrom from = CloseFrom::established;
    OptionSeconds seconds;
    Clock clock;
    std::span<const checker::EnvEvent> never;
    std::span<const model::RowId> ruled_out;
    const model::TablePatch* patch = nullptr;  // a patched model's rows (diff)
};

// One move of a path behind a bound: the event, the configuration it leads to, and when it comes (counted
// with the least delays on the least path, the greatest on the most path).
struct PathStep {
    std::string event;
    std::string to;
    double at = 0;
};

struct Lifetime {
    Interval orphan;  // time as an orphan (a full socket without an owner)
    Interval gone;    // close() until gone
    bool always_gone = true;  // every path ends gone (else gone.hi is unbounded)
    std::string why_unbounded;  // when gone.hi or orphan.hi is unbounded: the first reason found
    std::vector<PathStep> least_path, most_path;  // close() until gone; most_path empty when unbounded
};

// Throws std::invalid_argument when close() cannot happen from the requested state.
[[nodiscard]] Lifetime lifetime(const LifetimeQuery& q);

}  // namespace orphancheck::analysis
