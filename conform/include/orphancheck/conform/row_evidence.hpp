// Evidence a run leaves about which rows ran: the namespace's TcpExt counters
// (per network namespace) that a row's kernel path increments. A counter that
// did not move rules its rows out for the whole run.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "orphancheck/model/rows.hpp"

namespace orphancheck::conform {

// Counters of which at least one moves whenever the row runs (empty: the row leaves no trace there).
[[nodiscard]] std::vector<std::string_view> row_counters(model::RowId row);
// Rows whose counters all stayed still, given the counters that moved (name -> increase).
[[nodiscard]] std::vector<model::RowId> rows_ruled_out(const std::map<std::string, long long>& moved);

}  // namespace orphancheck::conform
