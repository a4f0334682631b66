// violated_invariants split into what each socket contributes: the
// per-socket bits come from violated_invariants itself on a one-socket view,
// the counter terms from SocketView, and combine() adds them up the way
// violated_invariants does. The Promela export evaluates the invariants from
// tables of these terms; the partial-order reduction calls a socket's move
// invisible when it leaves its terms (and the counter) as they were.
#pragma once

#include <span>

#include "orphancheck/properties/property.hpp"
#include "orphancheck/properties/socket_view.hpp"

namespace orphancheck::properties {

struct InvariantTerms {
    bool operator==(const InvariantTerms&) const = default;
    PropertyMask own = 0;  // single-increment, single-decrement, orphan-classification of this socket
    int in_close = 0;                  // its share of the counter while inside __tcp_close (incs - decs), else 0
    int counted = 0;                   // 1 when outside __tcp_close and counted as an orphan
    bool listener = false;             // a listener in LISTEN or inet_csk_listen_stop (listener-drains)
    bool in_queue = false;             // a child queued or not yet freed by inet_child_forget (listener-drains)
};

// The invariants that depend on the counter: orphan-balance and counter-never-negative.
[[nodiscard]] PropertyMask counter_invariants();
// The invariants over the sockets together (listener-drains): not in InvariantTerms::own.
[[nodiscard]] PropertyMask cross_socket_invariants();
// The invariants violated_invariants computes (the others come from SocketSpace::state_violations).
[[nodiscard]] PropertyMask global_invariants();

[[nodiscard]] InvariantTerms invariant_terms(const SocketView& v);
// What violated_invariants(GlobalView{counter, sockets}, wanted) returns, from the sockets' terms.
[[nodiscard]] PropertyMask combine(int counter, std::span<const InvariantTerms> sockets,
                                               PropertyMask wanted);

}  // namespace orphancheck::properties
