// Which experiments can confirm which rows, from the model: for every row,
// the shipped scenarios whose model configuration can fire it, and, where
// none can, the shortest path of the per-socket model that fires it under a
// permissive configuration: a recipe for a new scenario. No kernel needed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "orphancheck/model/rows.hpp"

namespace orphancheck::conform {

struct RowPlan {
    model::RowId row = model::RowId::none;
    std::vector<std::string> scenarios;  // short scenarios whose model can fire the row
    std::vector<std::string> recipe;     // when none can: the model's shortest path to it (event names)
    std::string recipe_config;           // the configuration of that path
};

[[nodiscard]] std::vector<RowPlan> plan_rows(std::string_view profile);

}  // namespace orphancheck::conform
