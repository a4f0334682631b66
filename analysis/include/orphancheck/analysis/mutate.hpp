// Mutation analysis of the property set: every single edit of the close-path
// table (delete a row, drop one of its effects, retarget it to another state)
// is checked; a mutant no property notices is a "survivor". The share of
// killed mutants measures how strong the properties are.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "orphancheck/checker/spec.hpp"
#include "orphancheck/model/table_patch.hpp"

namespace orphancheck::analysis {

struct Mutant {
    model::RowEdit edit;
    [[nodiscard]] std::string describe() const;
};

// Every single-edit mutant of the table, in a fixed order. Effect drops are
// generated for the effects with behaviour only (model::effect_has_behaviour).
[[nodiscard]] std::vector<Mutant> all_mutants();

enum class MutantOutcome : std::uint8_t {
    killed,      // some property is violated
    survived,    // every property holds although the reachable behaviour changed
    equivalent,  // every property holds and the reachable moves are the original's: nothing to notice
    invalid,     // the edit cannot be built (retarget into a state MSM never enters)
    incomplete,  // a limit stopped the check: no verdict
};

struct MutantResult {
    Mutant mutant;
    MutantOutcome outcome = MutantOutcome::incomplete;
    properties::PropertyMask killed_by = 0;
    std::uint64_t states = 0;
};

struct MutationReport {
    std::vector<MutantResult> results;
    std::size_t killed = 0, survived = 0, equivalent = 0, invalid = 0, incomplete = 0;
    [[nodiscard]] double score() const;  // killed / (killed + survived): equivalent mutants do not count
};

// Checks every mutant with `base` (its patch, if any, is applied first).
// `progress(done, total)` is called after each mutant.
MutationReport run_mutation(const checker::ExploreSpec& base, const std::vector<Mutant>& mutants,
                            const std::function<void(std::size_t, std::size_t)>& progress = {});

[[nodiscard]] std::string_view outcome_name(MutantOutcome o);

}  // namespace orphancheck::analysis
