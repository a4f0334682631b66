// Transition coverage of the per-socket model by kernel runs: the rows some
// run's trace could not be explained without, and for every other row why no
// loopback run here reaches it.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "orphancheck/conform/conform.hpp"
#include "orphancheck/model/rows.hpp"

namespace orphancheck::conform {

struct Coverage {
    std::vector<model::RowId> confirmed;  // by at least one run
    std::vector<model::RowId> missing;    // the others
    [[nodiscard]] double percent() const { return 100.0 * double(confirmed.size()) / model::kRows; }
};
[[nodiscard]] Coverage coverage(std::span<const ScenarioResult> results);
// Why the shipped scenarios do not confirm a row (or where it is needed: an unconfirmed row that
// a scenario should reach says so).
[[nodiscard]] std::string_view why_unconfirmed(model::RowId row);

}  // namespace orphancheck::conform
