// Which effects each close-path row can have, read off the extracted tables
// of a few configurations that together reach every row.
#pragma once

#include <cstdint>

#include "orphancheck/model/effects.hpp"
#include "orphancheck/model/rows.hpp"

namespace orphancheck::model {

[[nodiscard]] bool row_has_effect(RowId row, Effect effect);

}  // namespace orphancheck::model
