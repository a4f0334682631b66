#include "orphancheck/conform/coverage.hpp"

#include <set>

namespace orphancheck::conform {

Coverage coverage(std::span<const ScenarioResult> results) {
    std::set<model::RowId> rows;
    for (const ScenarioResult& r : results) rows.insert(r.confirmed.begin(), r.confirmed.end());
    Coverage c;
    for (int i = 0; i < model::kRows; ++i) {
        const auto row = model::RowId(i);
        (rows.count(row) ? c.confirmed : c.missing).push_back(row);
    }
    return c;
}

std::string_view why_unconfirmed(model::RowId row) {
    (void)row;
    return "no scenario confirms it yet";
}

}  // namespace orphancheck::conform
