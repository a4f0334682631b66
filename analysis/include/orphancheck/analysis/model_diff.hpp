// `orphancheck diff A B`: two models (kernel profiles, patched variants) on
// one configuration. Per-property verdicts, the table rows that differ, the
// per-socket states and moves reachable in one only, and the shortest
// observable trace one allows and the other not.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "orphancheck/checker/compare.hpp"
#include "orphancheck/checker/result.hpp"
#include "orphancheck/checker/spec.hpp"
#include "orphancheck/analysis/lifetime.hpp"

namespace orphancheck::analysis {

struct ModelRef {
    std::string name;  // "linux-5.15", "linux-6.12+no-decrement"
    checker::ExploreSpec spec;
};

struct RowChange {
    enum class Kind { only_a, only_b, changed };
    model::RowId row = model::RowId::none;
    Kind kind = Kind::changed;
};

// One socket's timed reading (lifetime) in A and B for one configuration, close() variant and starting state,
// where the two differ.
struct LifetimeChange {
    std::string config, close, from;  // the case, the close() variant, ESTABLISHED or CLOSE_WAIT
    Lifetime a, b;
    bool longer = false;  // B's most time (as an orphan or until gone) is longer beyond the tolerance, or unbounded
};

struct ModelDiff {
    ModelRef a, b;
    checker::ExploreResult ra, rb;
    std::vector<RowChange> rows;  // rows whose outcomes differ in the extracted tables
    std::vector<std::uint32_t> locals_only_a, locals_only_b;  // reached socket configurations (LocalKey::pack)
    std::vector<checker::LocalMove> moves_only_a, moves_only_b, moves_common;
    checker::Distinction trace;
    std::vector<LifetimeChange> lifetimes;  // one socket, the default clock of `orphancheck lifetime`
    double lifetime_tolerance = 0;          // a most time may grow by this fraction before it is "longer"
    // Some property holds in A and is violated in B.
    [[nodiscard]] bool regression() const;
    // Some socket lives longer in B (LifetimeChange::longer).
    [[nodiscard]] bool lifetime_regression() const;
    // A verdict is unknown on either side, or the trace search stopped at its limit.
    [[nodiscard]] bool incomplete() const;
    // Some property has a different verdict in A and B.
    [[nodiscard]] bool verdicts_differ() const;
    // No distinguishing trace exists (the search finished) and every verdict is the same.
    [[nodiscard]] bool equivalent() const { return !trace.found && trace.complete && !verdicts_differ(); }
};

[[nodiscard]] ModelDiff diff_models(const ModelRef& a, const ModelRef& b, std::uint64_t max_pairs,
                                    double lifetime_tolerance = 0);

}  // namespace orphancheck::analysis
