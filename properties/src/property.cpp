#include "orphancheck/properties/property.hpp"

#include <array>

namespace orphancheck::properties {
namespace {
using model::TcpState;

constexpr std::array<PropertyInfo, kProperties> kInfo = {{
    {PropertyId::no_deadlock, "no-deadlock", PropertyKind::terminal,
     "every state without successors has all sockets destroyed",
     "every close path ends in inet_csk_destroy_sock (and a freed timewait bucket)"},
    {PropertyId::eventually_destroyed, "eventually-destroyed", PropertyKind::liveness,
     "under weak fairness of close(), timers and the TIME_WAIT timer, every socket is destroyed: no state "
     "where only the peer can move, and no fair cycle, avoids it",
     "orphans may not hang: tcp_orphan_retries, the FIN_WAIT2 timer and tw timers end every socket"},
    {PropertyId::orphan_balance, "orphan-balance", PropertyKind::invariant,
     "the orphan counter equals the sockets counted and not yet destroyed (plus the transient of sockets inside __tcp_close)",
     "tcp_orphan_count: incremented in __tcp_close, decremented in inet_csk_destroy_sock"},
    {PropertyId::counter_never_negative, "counter-never-negative", PropertyKind::invariant,
     "the orphan counter is never negative, apart from the transient of sockets inside __tcp_close",
     "readers clamp with max(sum, 0); a negative sum means a decrement without increment"},
    {PropertyId::single_increment, "single-increment", PropertyKind::invariant,
     "no socket is counted as an orphan twice", "one this_cpu_inc(tcp_orphan_count) per socket"},
    {PropertyId::single_decrement, "single-decrement", PropertyKind::invariant,
     "no socket is decremented (destroyed) twice", "inet_csk_destroy_sock runs at most once (C12 guards it)"},
    {PropertyId::counter_zero_at_end, "counter-zero-at-end", PropertyKind::terminal,
     "in every state without successors the orphan counter is zero", "no drift: sockstat 'orphan' returns to 0"},
    {PropertyId::orphan_classification, "orphan-classification", PropertyKind::invariant,
     "after close, FIN_WAIT1/FIN_WAIT2/CLOSING/LAST_ACK sockets are counted orphans; timewait buckets and "
     "open sockets are not counted",
     "sock_orphan + counter in __tcp_close; tcp_time_wait hands off to an uncounted inet_timewait_sock"},
}};

bool misclassified(const SocketView& s) {
    const int net = int(s.incs) - int(s.decs);
    if (s.state == TcpState::tw_fin_wait2 || s.state == TcpState::tw_time_wait) return net != 0 || !s.destroyed;
    if (model::is_orphan_state(s.state) && s.dead) return net != 1 || s.destroyed;
    if (!s.dead && s.state != TcpState::destroyed) return s.incs != 0 || s.decs != 0;
    return false;
}
}  // namespace

const PropertyInfo& info(PropertyId p) { return kInfo[std::size_t(p)]; }

std::optional<PropertyId> property_from_name(std::string_view s) {
    for (const auto& i : kInfo)
        if (i.name == s) return i.id;
    return std::nullopt;
}

std::vector<PropertyId> all_properties() {
    std::vector<PropertyId> v;
    for (const auto& i : kInfo) v.push_back(i.id);
    return v;
}

bool all_finished(const GlobalView& g) {
    for (const SocketView* s : g.sockets)
        if (!s->finished()) return false;
    return true;
}

PropertyMask violated_invariants(const GlobalView& g, PropertyMask wanted) {
    PropertyMask v = 0;
    int in_close = 0;  // what sockets inside __tcp_close contribute to the counter right now
    int counted = 0;
    for (const SocketView* s : g.sockets) {
        if (s->incs > 1) v |= bit(PropertyId::single_increment);
        if (s->decs > 1) v |= bit(PropertyId::single_decrement);
        if (!s->quiescent()) {
            in_close += int(s->incs) - int(s->decs);
            continue;
        }
        counted += s->counted() ? 1 : 0;
        if (misclassified(*s)) v |= bit(PropertyId::orphan_classification);
    }
    const int rest = g.counter - in_close;  // the counter as the quiescent sockets account for it
    if (rest != counted) v |= bit(PropertyId::orphan_balance);
    if (rest < 0) v |= bit(PropertyId::counter_never_negative);
    return v & wanted;
}

PropertyMask violated_at_terminal(const GlobalView& g, PropertyMask wanted) {
    PropertyMask v = 0;
    if (!all_finished(g)) v |= bit(PropertyId::no_deadlock);
    if (g.counter != 0) v |= bit(PropertyId::counter_zero_at_end);
    return v & wanted;
}

}  // namespace orphancheck::properties
