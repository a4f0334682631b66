// `orphancheck review KERNEL.diff`: from a kernel diff to the model. Each function the diff changes is listed
// with the rows that stand for it (and why: the row's own function, its event's handler, an action, a guard
// condition) and the properties that read what those rows do; functions no row stands for are "outside the
// model". A patch-file skeleton lists the rows for the reviewer to restate the change as edits.
#pragma once

#include <string>
#include <vector>

#include "orphancheck/analysis/unified_diff.hpp"
#include "orphancheck/model/kernel_functions.hpp"
#include "orphancheck/properties/property.hpp"

namespace orphancheck::analysis {

struct ReviewedFunction {
    std::string function;                       // "" for changes at file scope
    std::vector<FunctionChange> changes;        // where the diff changes it
    std::vector<model::KernelDependency> rows;  // empty: outside the model
    std::vector<properties::PropertyId> properties;
};

struct Review {
    std::size_t hunks = 0;
    std::vector<ReviewedFunction> functions;  // in the order the diff first changes them
};

[[nodiscard]] Review review_diff(const UnifiedDiff& diff);

// The properties that read what row `r` does: its counter effects, its destroy, its RST, its event and its target.
[[nodiscard]] std::vector<properties::PropertyId> properties_reading(model::RowId r);

// A patch file for the reviewer to fill in: one commented [[edit]] per row, grouped by function.
[[nodiscard]] std::string patch_skeleton(const Review& r, const std::string& diff_name);

}  // namespace orphancheck::analysis
