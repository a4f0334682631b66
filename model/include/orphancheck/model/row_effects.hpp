// Which effects each close-path row can have, read off the extracted tables
// of a few configurations that together reach every row.
#pragma once

#include <cstdint>
#include <vector>

#include "orphancheck/model/config.hpp"
#include "orphancheck/model/effects.hpp"
#include "orphancheck/model/rows.hpp"

namespace orphancheck::model {

// The configurations whose extracted tables together enable every row of the MSM table: the table tests
// check MSM against extraction on each, and row_has_effect reads its answer off them.
[[nodiscard]] const std::vector<SysctlConfig>& row_coverage_configs();

[[nodiscard]] bool row_has_effect(RowId row, Effect effect);

}  // namespace orphancheck::model
