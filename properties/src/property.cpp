#include "orphancheck/properties/property.hpp"

#include <array>

#include <fmt/format.h>

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
     "open sockets are not counted, shut down (shutdown(SHUT_WR): FIN sent, file open) or not",
     "sock_orphan + counter in __tcp_close; tcp_time_wait hands off to an uncounted inet_timewait_sock"},
    {PropertyId::rfc_transitions, "rfc-transitions", PropertyKind::step,
     "every step follows the TCP state diagram for its stimulus: close() and shutdown(SHUT_WR) leave ESTABLISHED "
     "for FIN_WAIT1 and CLOSE_WAIT for LAST_ACK with a FIN (close() after shutdown sends none), ACKs/FINs/RSTs/"
     "timers move a socket only where RFC 793 says, data after close() resets (RFC 1122; after shutdown(SHUT_WR) "
     "alone it is received), ABORT deletes the connection",
     "RFC 793 section 3.9 event processing; Linux's FIN_WAIT2/TIME_WAIT hand-off to inet_timewait_sock"},
    {PropertyId::rst_discipline, "rst-discipline", PropertyKind::step,
     "an RST goes out exactly on abortive paths: close() with unread data or SO_LINGER 0, data after close(), "
     "TCP_LINGER2 < 0 in FIN_WAIT2, the FIN_WAIT2 timer fallback, an OOM kill, tcp_abort in a need-reset "
     "state; never on a retransmission timeout, a received RST or a timewait overflow",
     "tcp_send_active_reset callers; tcp_write_err and tcp_done are silent"},
    {PropertyId::oom_kill, "oom-kill", PropertyKind::step,
     "a closing orphan is killed at the end of close() and at a retransmit timeout exactly when the cached "
     "orphan count exceeds tcp_max_orphans or memory is short",
     "tcp_check_oom in __tcp_close, tcp_out_of_resources in tcp_retransmit_timer"},
    {PropertyId::tw_handoff, "tw-handoff", PropertyKind::step,
     "tcp_time_wait hands the connection to a timewait bucket whenever one is available and never creates "
     "one beyond tcp_max_tw_buckets",
     "inet_twsk_alloc in tcp_time_wait; TCPTimeWaitOverflow"},
    {PropertyId::timer_armed, "timer-armed", PropertyKind::invariant,
     "every orphan that close() no longer owns has a timer that can end it (retransmit timer in "
     "FIN_WAIT1/CLOSING/LAST_ACK, or the zero-window probe timer while the FIN waits, FIN_WAIT2 timer), every "
     "timewait bucket its timer, every lingering close() "
     "its SO_LINGER timeout",
     "no timer-less orphan (the tcp_abort forever-orphan bug, bac76cf89816)"},
    {PropertyId::close_progress, "close-progress", PropertyKind::invariant,
     "close() is accepted in every open state for every socket option, and shutdown(SHUT_WR) in every open "
     "connection where the application may call it; once started close() runs to its end "
     "(the rest of __tcp_close, then release_sock)",
     "tcp_close always reaches adjudge_to_death and release_sock"},
    {PropertyId::abort_accepted, "abort-accepted", PropertyKind::invariant,
     "when the run allows tcp_abort (--abort yes), it is answered on every socket a lookup can find and "
     "close() does not hold: the socket is killed, purged or the call refused, never ignored",
     "tcp_abort (SOCK_DESTROY): lock_sock, then a verdict for every state"},
    {PropertyId::child_forget, "child-forget", PropertyKind::step,
     "the listener's close() forgets each child still in its accept queue in one step (orphaned, counted once, "
     "reset when it is ESTABLISHED or CLOSE_WAIT, off the queue), and the next step of that child frees it, "
     "uncounted once: every counted child is uncounted exactly once",
     "inet_csk_listen_stop -> inet_child_forget: tcp_disconnect, sock_orphan, this_cpu_inc(orphan_count), "
     "inet_csk_destroy_sock"},
    {PropertyId::listener_drains, "listener-drains", PropertyKind::invariant,
     "no child is left in an accept queue, or counted and not freed, once its listener has left LISTEN and "
     "inet_csk_listen_stop: a listener's close() leaves no counted orphan behind",
     "inet_csk_listen_stop loops until reqsk_queue_remove finds no child"},
    {PropertyId::reqsk_silent, "reqsk-silent", PropertyKind::step,
     "request sockets are never counted and never reset anything by themselves: the SYN-ACK timer and the "
     "listener's close() drop them silently, only a final ACK that finds no listener is answered by an RST "
     "(and the listener's close() sends no RST of its own)",
     "reqsk_timer_handler drops without RST; inet_csk_listen_stop does not touch ehash; tcp_v4_rcv no_tcp_socket"},
}};

bool misclassified(const SocketView& s) {
    const int net = int(s.incs) - int(s.decs);
    if (s.forced) return net != 1 || s.destroyed;  // forgotten by the listener's close(): counted, not yet freed
    if (s.state == TcpState::tw_fin_wait2 || s.state == TcpState::tw_time_wait) return net != 0 || !s.destroyed;
    if (model::is_orphan_state(s.state) && s.dead) return net != 1 || s.destroyed;
    if (!s.dead && s.state != TcpState::destroyed) return s.incs != 0 || s.decs != 0;
    return false;
}

// The counter as the sockets account for it: what the sockets inside __tcp_close contribute right now
// (in_close), the quiescent sockets counted as orphans, and the counter without the in-close share (rest).
struct CounterAccount {
    int in_close = 0, counted = 0, rest = 0;
};
// One pass over the sockets (the invariant check's hot path): `each` sees every socket on the way.
template <class Each>
CounterAccount account(const GlobalView& g, Each&& each) {
    CounterAccount a;
    for (const SocketView* s : g.sockets) {
        each(*s);
        if (!s->quiescent()) a.in_close += int(s->incs) - int(s->decs);
        else a.counted += s->counted() ? 1 : 0;
    }
    a.rest = g.counter - a.in_close;
    return a;
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
    bool listener = false, queued = false;
    const CounterAccount a = account(g, [&](const SocketView& s) {
        if (s.incs > 1) v |= bit(PropertyId::single_increment);
        if (s.decs > 1) v |= bit(PropertyId::single_decrement);
        if (s.quiescent() && misclassified(s)) v |= bit(PropertyId::orphan_classification);
        listener = listener || s.listener();
        queued = queued || s.in_queue;
    });
    if (a.rest != a.counted) v |= bit(PropertyId::orphan_balance);
    if (a.rest < 0) v |= bit(PropertyId::counter_never_negative);
    if (queued && !listener) v |= bit(PropertyId::listener_drains);
    return v & wanted;
}

std::string explain_state(PropertyId p, const GlobalView& g) {
    const auto [in_close, counted, rest] = account(g, [](const SocketView&) {});
    const auto socket = [&](auto&& bad) -> std::pair<int, const SocketView*> {
        for (std::size_t i = 0; i < g.sockets.size(); ++i)
            if (bad(*g.sockets[i])) return {int(i), g.sockets[i]};
        return {-1, nullptr};
    };
    switch (p) {
        case PropertyId::orphan_balance:
            return fmt::format("the counter is {}{}, and {} socket{} {} counted orphans: expected the two equal", rest,
                               in_close ? " (without the sockets inside close())" : "", counted, counted == 1 ? "" : "s",
                               counted == 1 ? "is a" : "are");
        case PropertyId::counter_never_negative:
            return fmt::format("the counter is {}: expected never below 0", rest);
        case PropertyId::single_increment: {
            const auto [i, s] = socket([](const SocketView& v) { return v.incs > 1; });
            return s ? fmt::format("socket {} was counted {} times: expected once", i, int(s->incs)) : "";
        }
        case PropertyId::single_decrement: {
            const auto [i, s] = socket([](const SocketView& v) { return v.decs > 1; });
            return s ? fmt::format("socket {} was uncounted {} times: expected once at most", i, int(s->decs)) : "";
        }
        case PropertyId::orphan_classification: {
            const auto [i, s] = socket([](const SocketView& v) { return v.quiescent() && misclassified(v); });
            if (!s) return "";
            const char* want = s->forced ? "a child inet_child_forget counted once, not yet freed"
                               : s->state == TcpState::tw_fin_wait2 || s->state == TcpState::tw_time_wait
                                   ? "a bucket's socket counted and uncounted once and freed"
                               : model::is_orphan_state(s->state) && s->dead ? "an orphan counted once, not freed"
                                                                             : "an open socket never counted";
            return fmt::format("socket {} in {}: {} increment{}, {} decrement{}{}: expected {}", i, model::state_name(s->state),
                               int(s->incs), s->incs == 1 ? "" : "s", int(s->decs), s->decs == 1 ? "" : "s",
                               s->destroyed ? ", freed" : "", want);
        }
        case PropertyId::counter_zero_at_end:
            return fmt::format("nothing can move any more and the counter is {}: expected 0", g.counter);
        case PropertyId::no_deadlock: {
            const auto [i, s] = socket([](const SocketView& v) { return !v.finished(); });
            if (!s) return "";
            const char* how = s->state != TcpState::destroyed ? ""
                              : s->destroyed                    ? " (close() has not finished)"
                                                                : " but was never freed";
            return fmt::format("nothing can move any more and socket {} is in {}{}: expected every socket gone", i,
                               model::state_name(s->state), how);
        }
        case PropertyId::listener_drains: {
            const auto [i, s] = socket([](const SocketView& v) { return v.in_queue; });
            return s ? fmt::format("socket {} is a child {} ({}), and no listener is left in LISTEN or "
                                   "inet_csk_listen_stop: expected inet_csk_listen_stop to forget and free every child",
                                   i, s->forced ? "counted and never freed" : "still in the accept queue",
                                   model::state_name(s->state))
                     : "";
        }
        case PropertyId::eventually_destroyed:
        case PropertyId::rfc_transitions:
        case PropertyId::rst_discipline:
        case PropertyId::oom_kill:
        case PropertyId::tw_handoff:
        case PropertyId::timer_armed:
        case PropertyId::close_progress:
        case PropertyId::abort_accepted:
        case PropertyId::child_forget:
        case PropertyId::reqsk_silent: return "";
    }
    return "";
}

PropertyMask violated_at_terminal(const GlobalView& g, PropertyMask wanted) {
    PropertyMask v = 0;
    if (!all_finished(g)) v |= bit(PropertyId::no_deadlock);
    if (g.counter != 0) v |= bit(PropertyId::counter_zero_at_end);
    return v & wanted;
}

}  // namespace orphancheck::properties
