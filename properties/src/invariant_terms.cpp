#include "orphancheck/properties/invariant_terms.hpp"

namespace orphancheck::properties {

PropertyMask counter_invariants() { return bit(PropertyId::orphan_balance) | bit(PropertyId::counter_never_negative); }

PropertyMask cross_socket_invariants() { return bit(PropertyId::listener_drains); }

PropertyMask global_invariants() {
    return counter_invariants() | cross_socket_invariants() | bit(PropertyId::single_increment) |
           bit(PropertyId::single_decrement) | bit(PropertyId::orphan_classification);
}

InvariantTerms invariant_terms(const SocketView& v) {
    InvariantTerms t;
    // The per-socket bits do not depend on the counter or on the other sockets: ask the definition itself.
    const SocketView* one[] = {&v};
    t.own = violated_invariants({0, one}, global_invariants() & ~counter_invariants() & ~cross_socket_invariants());
    t.listener = v.listener();
    t.in_queue = v.in_queue;
    if (!v.quiescent()) t.in_close = int(v.incs) - int(v.decs);
    else t.counted = v.counted() ? 1 : 0;
    return t;
}

PropertyMask combine(int counter, std::span<const InvariantTerms> sockets, PropertyMask wanted) {
    PropertyMask v = 0;
    int in_close = 0, counted = 0;
    bool listener = false, queued = false;
    for (const InvariantTerms& t : sockets) {
        v |= t.own;
        in_close += t.in_close;
        counted += t.counted;
        listener = listener || t.listener;
        queued = queued || t.in_queue;
    }
    if (queued && !listener) v |= bit(PropertyId::listener_drains);
    const int rest = counter - in_close;
    if (rest != counted) v |= bit(PropertyId::orphan_balance);
    if (rest < 0) v |= bit(PropertyId::counter_never_negative);
    return v & wanted;
}

}  // namespace orphancheck::properties
