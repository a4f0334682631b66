// properties::violated_invariants split into what each socket contributes,
// so that a generated model can evaluate it from per-configuration tables:
// the per-socket bits come from violated_invariants itself on a one-socket
// view, the counter terms from SocketView, and combine() adds them up the
// way violated_invariants does (the generated C does the same sums).
#pragma once

#include <span>

#include "orphancheck/properties/property.hpp"
#include "orphancheck/properties/socket_view.hpp"

namespace orphancheck::promela {

struct InvariantTerms {
    properties::PropertyMask own = 0;  // single-increment, single-decrement, orphan-classification of this socket
    int in_close = 0;                  // its share of the counter while inside __tcp_close (incs - decs), else 0
    int counted = 0;                   // 1 when outside __tcp_close and counted as an orphan
};

// The invariants that depend on the counter: orphan-balance and counter-never-negative.
[[nodiscard]] properties::PropertyMask counter_invariants();
// The invariants violated_invariants computes (the others come from SocketSpace::state_violations).
[[nodiscard]] properties::PropertyMask global_invariants();

[[nodiscard]] InvariantTerms invariant_terms(const properties::SocketView& v);
// What violated_invariants(GlobalView{counter, sockets}, wanted) returns, from the sockets' terms.
[[nodiscard]] properties::PropertyMask combine(int counter, std::span<const InvariantTerms> sockets,
                                               properties::PropertyMask wanted);

}  // namespace orphancheck::promela
