// Which kernel functions each close-path row stands for: the function the row is named after, the handler of
// its event, the kernel functions behind its actions and behind the conditions of its guard. `review` maps the
// hunks of a kernel diff to rows through this index.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "orphancheck/model/rows.hpp"

namespace orphancheck::model {

struct KernelDependency {
    RowId row = RowId::none;
    std::string via;  // "row", "event", "action inet_csk_destroy_sock", "guard check_oom"
};

// The rows that depend on kernel function `function`, each once (the first reason found), in row order.
[[nodiscard]] std::vector<KernelDependency> rows_depending_on(std::string_view function);

// Every kernel function some row depends on, sorted.
[[nodiscard]] const std::vector<std::string>& kernel_functions_in_model();

}  // namespace orphancheck::model
