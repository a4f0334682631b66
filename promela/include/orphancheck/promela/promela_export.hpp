// Promela export: writes the N-socket global transition system that
// checker::explore() searches (without symmetry reduction) as a model for
// SPIN, so that an independent model checker can count and check the same
// states. Same events, same nondeterminism, the invariants and step
// properties as assertions; terminal and liveness properties are left out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>

#include "orphancheck/checker/spec.hpp"
#include "orphancheck/properties/property.hpp"

namespace orphancheck::promela {

struct ExportSummary {
    std::size_t cases = 0;           // configurations (each its own initial state)
    std::size_t socket_configs = 0;  // per-socket configurations in the tables, over all cases
    int max_moves = 0;               // most moves of one socket configuration under one guard input
    // SPIN's "states, stored" minus orphancheck's states: 1 with several configurations (the state
    // before the initial choice of one), else 0.
    std::uint64_t extra_states = 0;
    // SPIN's transitions (stored + matched) minus orphancheck's transitions: 1 for the initial state,
    // plus one choice per configuration when there are several.
    std::uint64_t extra_transitions = 0;
    properties::PropertyMask asserted = 0;  // invariants and step properties the model asserts
};

// The properties a Promela model can assert: every invariant and every step property.
[[nodiscard]] properties::PropertyMask assertable_properties();

// Writes the model of `spec` (its sockets, cases, engine, patch and properties; symmetry and limits are
// ignored). Throws checker::SpecError for a specification explore() refuses.
ExportSummary write_promela(std::ostream& out, const checker::ExploreSpec& spec);

}  // namespace orphancheck::promela
