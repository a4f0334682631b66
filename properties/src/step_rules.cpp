// The step properties: what the TCP specification (RFC 793/1122 plus Linux's
// FIN_WAIT2 and TIME_WAIT hand-off) says one socket may do on each stimulus.
// Written from the specification, independently of the MSM table: the table
// is checked against these rules, not derived from them.
#include "orphancheck/properties/step_view.hpp"

#include <fmt/format.h>

namespace orphancheck::properties {
namespace {
using model::LocalKey;
using model::TcpState;
using S = TcpState;

using StateSet = std::uint16_t;
constexpr StateSet one(S s) { return StateSet(1u << int(s)); }
template <class... T>
constexpr StateSet any(T... s) {
    return StateSet((one(s) | ...));
}
bool in(StateSet set, S s) { return (set & one(s)) != 0; }

bool retransmits_fin(S s) { return s == S::fin_wait1 || s == S::closing || s == S::last_ack; }
bool full_closing(S s) { return model::is_orphan_state(s); }  // FIN_WAIT1/2, CLOSING, LAST_ACK
bool abortive(const model::CloseOpts& o) { return o.unread || o.linger == model::Linger::zero; }
// The FIN of close() or shutdown(): behind a zero window it is queued, not sent, and the probe timer runs (RFC 1122
// 4.2.2.17); otherwise it goes out, behind the sent data the peer has yet to acknowledge when there is some.
bool fin_right(const StepView& v) {
    if (v.opts.window_closed) return !v.fin_sent && v.to.data.window_wait;
    return v.fin_sent && v.to.data.data_ahead == v.opts.unacked;
}
// Shut down for sending with the file still open: close() has not run (nor is it waiting in SO_LINGER).
bool shut_open(const LocalKey& f) { return full_closing(f.state) && !f.data.dead && !f.data.lingering; }

// Where the peer's ACK of our FIN takes a socket (RFC 793 "ESTABLISHED ... LAST-ACK" ACK processing).
StateSet after_ack(const LocalKey& f) {
    const bool dead = f.data.dead;
    switch (f.state) {
        case S::fin_wait1: return dead ? any(S::fin_wait2, S::tw_fin_wait2, S::destroyed) : one(S::fin_wait2);
        case S::closing: return dead ? any(S::tw_time_wait, S::destroyed) : any(S::closed_tw, S::closed);
        case S::last_ack: return dead ? one(S::destroyed) : one(S::closed);
        default: return one(f.state);  // nothing of ours to acknowledge: ignored
    }
}

// Where the peer's FIN takes a socket (tcp_fin).
StateSet after_fin(const LocalKey& f) {
    switch (f.state) {
        case S::established: return one(S::close_wait);
        case S::fin_wait1: return one(S::closing);
        case S::fin_wait2: return f.data.dead ? any(S::tw_time_wait, S::destroyed) : any(S::closed_tw, S::closed);
        case S::tw_fin_wait2: return one(S::tw_time_wait);
        default: return one(f.state);  // FIN already taken, or nothing left to take it
    }
}

StateSet after_fin_ack(const LocalKey& f) {
    StateSet out = 0;
    for (int s = 0; s < model::kTcpStates; ++s) {
        if (!in(after_ack(f), S(s))) continue;
        LocalKey mid = f;
        mid.state = S(s);
        out |= after_fin(mid);
    }
    return out;
}

// The state successions the specification allows for each stimulus.
bool transition_allowed(const StepView& v) {
    const LocalKey& f = v.from;
    const S to = v.to.state;
    const auto& d = f.data;
    switch (v.what) {
        case Stimulus::close: {
            if (d.dead || d.lingering) return false;  // close() runs once
            // RFC 793 CLOSE in LISTEN: "any outstanding RECEIVEs are returned ... delete TCB": nothing is sent.
            if (f.state == S::listen) return to == S::listen_stop && !v.fin_sent;
            // CLOSE in SYN-SENT: "delete the TCB": nothing is sent, the connection is gone.
            if (f.state == S::syn_sent) return to == S::closed && v.to.data.dead && !v.fin_sent;
            if (f.state == S::closed || f.state == S::closed_tw) return to == f.state && v.to.data.dead;
            if (abortive(v.opts)) return (f.state == S::established || f.state == S::close_wait || full_closing(f.state)) &&
                                         to == S::closed && v.to.data.dead;
            if (full_closing(f.state)) {  // after shutdown(SHUT_WR): our FIN is out already, the state stays
                const bool waits = v.opts.linger == model::Linger::timeout && f.state != S::fin_wait2;
                return to == f.state && !v.fin_sent && v.to.data.dead == !waits && v.to.data.lingering == waits;
            }
            if (f.state != S::established && f.state != S::close_wait) return false;
            const S next = f.state == S::established ? S::fin_wait1 : S::last_ack;
            const bool waits = v.opts.linger == model::Linger::timeout;
            return to == next && fin_right(v) && v.to.data.dead == !waits && v.to.data.lingering == waits;
        }
        case Stimulus::shutdown: {  // RFC 793 CLOSE of the sending side: our FIN, the connection stays the user's
            if (d.dead || d.lingering || (f.state != S::established && f.state != S::close_wait)) return false;
            const S next = f.state == S::established ? S::fin_wait1 : S::last_ack;
            return to == next && fin_right(v) && !v.to.data.dead && !v.to.data.lingering;
        }
        case Stimulus::linger_wake:
            return d.lingering && to == f.state && v.to.data.dead && !v.to.data.lingering;
        case Stimulus::close_tail: {
            if (!d.tail || v.to.data.tail) return false;
            switch (f.state) {
                case S::fin_wait2: return to == S::fin_wait2 || to == S::tw_fin_wait2 || to == S::destroyed;
                case S::closed_tw: return to == S::tw_time_wait;  // the full socket goes, its bucket stays
                case S::closed: return to == S::destroyed;
                default: return to == f.state || (retransmits_fin(f.state) && to == S::destroyed);
            }
        }
        case Stimulus::release_sock: return d.owned && !d.tail && to == f.state && !v.to.data.owned;
        case Stimulus::ack: return in(after_ack(f), to);
        case Stimulus::fin: return in(after_fin(f), to);
        case Stimulus::fin_ack: return in(after_fin_ack(f), to);
        case Stimulus::data:  // RFC 1122 4.2.2.13: new data after close() resets the connection
            if (shut_open(f)) return to == f.state;  // shutdown(SHUT_WR) leaves the receive side open
            if (f.state == S::fin_wait1 || f.state == S::fin_wait2) return to == (d.dead ? S::destroyed : S::closed);
            if (f.state == S::tw_fin_wait2) return to == S::destroyed;
            return to == f.state;
        case Stimulus::rst:  // RFC 793: an acceptable RST closes the connection
            switch (f.state) {
                case S::established:
                case S::close_wait: return to == S::closed;
                case S::fin_wait1:
                case S::fin_wait2:
                case S::closing:
                case S::last_ack: return to == (d.dead ? S::destroyed : S::closed);
                case S::tw_fin_wait2:
                case S::tw_time_wait: return to == S::destroyed;
                case S::closed_tw: return to == S::closed;
                case S::new_syn_recv: return to == S::destroyed;  // RFC 793: SYN-RECEIVED + RST from an active open
                case S::syn_sent: return to == S::closed;  // RFC 793: SYN-SENT + acceptable RST: "connection reset"
                default: return to == f.state;
            }
        case Stimulus::rto:  // retransmit our FIN, or kill the orphan
            if (!retransmits_fin(f.state) || d.owned || d.window_wait) return false;
            return (to == f.state && v.fin_sent) || (d.dead && to == S::destroyed);
        case Stimulus::rto_timeout:
            return retransmits_fin(f.state) && !d.owned && !d.window_wait && to == (d.dead ? S::destroyed : S::closed);
        case Stimulus::loss_probe:  // RFC 8985 7.3: the last segment (our FIN) sent again; the state stays
            return retransmits_fin(f.state) && !d.owned && !d.window_wait && to == f.state && v.fin_sent &&
                   v.to.data.retries == d.retries;
        case Stimulus::probe:  // send one probe and wait on, or give up (orphan: destroyed; close() waiting: CLOSE)
            if (!retransmits_fin(f.state) || d.owned || !d.window_wait) return false;
            if (to == f.state) return v.to.data.window_wait && v.probe_sent;
            return to == (d.dead ? S::destroyed : S::closed) && !v.probe_sent;
        case Stimulus::data_ack:  // SND.UNA advances below our FIN: RFC 793 keeps the state; the retry count restarts
            if (!d.data_ahead) return to == f.state;
            return retransmits_fin(f.state) && to == f.state && !v.to.data.data_ahead && v.to.data.retries == 0;
        case Stimulus::window_ack:
            // RFC 1122 4.2.2.17: while the receiver acknowledges the probes the connection MUST stay open, so an
            // answered probe does not count towards giving up (Linux: tcp_ack clears icsk_probes_out).
            if (!d.window_wait) return to == f.state;
            return to == f.state && v.to.data.window_wait && v.to.data.retries == 0;
        case Stimulus::window_open:  // the queued data and our FIN go out
            if (!d.window_wait) return to == f.state;
            return to == f.state && !v.to.data.window_wait && v.fin_sent;
        case Stimulus::keepalive:
            return f.state == S::fin_wait2 && d.dead && !d.owned && (to == S::tw_fin_wait2 || to == S::destroyed);
        case Stimulus::tw_expire:
            if (f.state == S::tw_fin_wait2 || f.state == S::tw_time_wait) return to == S::destroyed;
            return f.state == S::closed_tw && to == S::closed;
        case Stimulus::listen_stop:  // the listener's CLOSE aborts the connections it still holds
            return d.queued && to == S::closed && v.to.data.dead;
        case Stimulus::forced_destroy: return d.forced && to == S::destroyed;
        case Stimulus::listen_stop_end: return f.state == S::listen_stop && to == S::closed && v.to.data.dead;
        case Stimulus::hs_ack:  // SYN-RECEIVED + ACK: ESTABLISHED (queued for accept()), or no connection left
            if (f.state != S::new_syn_recv) return to == f.state;
            return (to == S::established && v.to.data.queued) || to == S::destroyed;
        case Stimulus::synack_timer:  // our SYN-ACK again, or the half-open connection is given up
            return f.state == S::new_syn_recv && (to == S::new_syn_recv || to == S::destroyed);
        case Stimulus::syn_ack:  // SYN-SENT + SYN,ACK acking our SYN: ESTABLISHED, and our ACK
            return f.state == S::syn_sent ? to == S::established : to == f.state;
        case Stimulus::syn_timer:  // our SYN again, or the user is told the connection timed out (CLOSED)
            return f.state == S::syn_sent && ((to == S::syn_sent) || (to == S::closed && !v.to.data.dead));
        case Stimulus::abort:  // RFC 793 ABORT: "delete the TCB, enter CLOSED" in every synchronized state
            if (d.owned) return false;
            if (full_closing(f.state) || f.state == S::established || f.state == S::close_wait)
                return to == (d.dead ? S::destroyed : S::closed);
            if (f.state == S::tw_fin_wait2 || f.state == S::tw_time_wait) return to == S::destroyed;
            return to == f.state;
    }
    return false;
}

// Kernel rule (g9): an RST goes out on abortive paths only.
bool rst_expected(const StepView& v) {
    const LocalKey& f = v.from;
    const S to = v.to.state;
    const auto& d = f.data;
    switch (v.what) {
        case Stimulus::close:
            if (f.state == S::established || f.state == S::close_wait) return abortive(v.opts);
            if (!full_closing(f.state)) return false;  // already CLOSE: nothing to reset
            // After shutdown: unread data resets; SO_LINGER 0 is tcp_disconnect, which resets in a tcp_need_reset
            // state, or in CLOSING/LAST_ACK while our FIN is still queued (snd_nxt != write_seq).
            if (v.opts.unread) return true;
            if (v.opts.linger != model::Linger::zero) return false;
            return f.state == S::fin_wait1 || f.state == S::fin_wait2 || d.window_wait;
        case Stimulus::close_tail:  // OOM kill, TCP_LINGER2 < 0; a timewait overflow closes silently
            if (to != S::destroyed) return false;
            if (retransmits_fin(f.state)) return true;
            return f.state == S::fin_wait2 && (d.l2neg || d.fin_long);
        case Stimulus::ack:
        case Stimulus::fin_ack: return f.state == S::fin_wait1 && d.dead && d.l2neg;  // TCP_LINGER2 < 0
        case Stimulus::data:
            return !shut_open(f) && (f.state == S::fin_wait1 || f.state == S::fin_wait2 || f.state == S::tw_fin_wait2);
        case Stimulus::rto: return to == S::destroyed;  // only tcp_out_of_resources kills here
        case Stimulus::rto_timeout: return d.dead && v.oom;  // tcp_write_err is silent
        case Stimulus::keepalive: return to == S::destroyed && (d.l2neg || !d.fin_long);
        case Stimulus::abort:  // tcp_need_reset
            return (to == S::closed || to == S::destroyed) &&
                   (f.state == S::established || f.state == S::close_wait || f.state == S::fin_wait1 ||
                    f.state == S::fin_wait2);
        case Stimulus::probe:
            // tcp_out_of_resources resets; a spent budget (tcp_write_err) is silent and, once the probe
            // interval reached RTO_MAX, is tested before the OOM check.
            return to == S::destroyed && v.oom && !v.probe_backoff_spent;
        case Stimulus::listen_stop: return f.state == S::established || f.state == S::close_wait;  // tcp_need_reset
        case Stimulus::hs_ack: return f.state == S::new_syn_recv && to == S::destroyed;  // no socket: tcp_v4_send_reset
        case Stimulus::shutdown:
        case Stimulus::linger_wake:
        case Stimulus::release_sock:
        case Stimulus::fin:
        case Stimulus::rst:
        case Stimulus::tw_expire:
        case Stimulus::window_ack:
        case Stimulus::window_open:
        case Stimulus::loss_probe:
        case Stimulus::data_ack:
        case Stimulus::forced_destroy:
        case Stimulus::listen_stop_end:
        case Stimulus::synack_timer:
        case Stimulus::syn_ack:
        case Stimulus::syn_timer: return false;
    }
    return false;
}

// Kernel rule (g10): a closing orphan is killed at close() and at each
// retransmit timeout exactly when tcp_check_oom / tcp_out_of_resources say so.
bool oom_kill_right(const StepView& v) {
    const LocalKey& f = v.from;
    const bool killed = v.to.state == S::destroyed;
    if (!f.data.dead) return true;
    if (v.what == Stimulus::close_tail) {
        if (retransmits_fin(f.state)) return killed == v.oom;
        if (f.state == S::fin_wait2 && f.data.fin_long && !f.data.l2neg) return killed == v.oom;
    }
    if (v.what == Stimulus::rto && retransmits_fin(f.state)) return killed == v.oom;
    // tcp_probe_timer: under OOM an orphan is killed (by tcp_out_of_resources, or by its spent budget first).
    if (v.what == Stimulus::probe && retransmits_fin(f.state) && v.oom) return killed;
    return true;
}

// Kernel rule (g8): tcp_time_wait hands the connection to a bucket when one is
// available and never creates one beyond tcp_max_tw_buckets.
bool tw_handoff_right(const StepView& v) {
    const LocalKey& f = v.from;
    const S to = v.to.state;
    const bool new_bucket = model::holds_tw_bucket(to) && !model::holds_tw_bucket(f.state);
    if (new_bucket && v.tw_full) return false;
    if (v.tw_full) return true;
    const auto& d = f.data;
    const bool fw2_to_bucket = !d.l2neg;
    switch (v.what) {
        case Stimulus::ack:
            if (f.state == S::closing) return to == (d.dead ? S::tw_time_wait : S::closed_tw);
            if (f.state == S::fin_wait1 && d.dead && fw2_to_bucket && !d.fin_long && !d.owned)
                return to == S::tw_fin_wait2;
            return true;
        case Stimulus::fin:  // (a FIN not taken is rfc-transitions' business)
            if (f.state == S::fin_wait2 && to != S::fin_wait2) return to == (d.dead ? S::tw_time_wait : S::closed_tw);
            return true;
        case Stimulus::fin_ack:
            if (f.state == S::closing) return to == (d.dead ? S::tw_time_wait : S::closed_tw);
            if (f.state == S::fin_wait2 || (f.state == S::fin_wait1 && fw2_to_bucket))
                return to == (d.dead ? S::tw_time_wait : S::closed_tw);
            return true;
        case Stimulus::close_tail:
            if (f.state == S::fin_wait2 && fw2_to_bucket && !d.fin_long) return to == S::tw_fin_wait2;
            return true;
        case Stimulus::keepalive:
            if (fw2_to_bucket && d.fin_long) return to == S::tw_fin_wait2;
            return true;
        case Stimulus::close:
        case Stimulus::shutdown:
        case Stimulus::linger_wake:
        case Stimulus::release_sock:
        case Stimulus::data:
        case Stimulus::rst:
        case Stimulus::rto:
        case Stimulus::rto_timeout:
        case Stimulus::tw_expire:
        case Stimulus::abort:
        case Stimulus::probe:
        case Stimulus::window_ack:
        case Stimulus::window_open:
        case Stimulus::loss_probe:
        case Stimulus::data_ack:
        case Stimulus::listen_stop:
        case Stimulus::forced_destroy:
        case Stimulus::listen_stop_end:
        case Stimulus::hs_ack:
        case Stimulus::synack_timer:
        case Stimulus::syn_ack:
        case Stimulus::syn_timer: return true;
    }
    return true;
}

// inet_csk_listen_stop -> inet_child_forget: a queued child is forgotten in one step (orphaned, off the queue,
// counted once, reset in a tcp_need_reset state); the step after it frees it (uncounted once, freed). No other
// step counts a child in the accept queue.
bool child_forget_right(const StepView& v) {
    const auto& d = v.from.data;
    if (v.what == Stimulus::listen_stop)
        return d.queued && v.to.state == S::closed && v.to.data.dead && v.to.data.forced && !v.to.data.queued &&
               v.incs == 1 && v.decs == 0 && !v.freed &&
               v.rst_sent == (v.from.state == S::established || v.from.state == S::close_wait);
    if (d.forced) return v.what == Stimulus::forced_destroy && v.to.state == S::destroyed && v.incs == 0 &&
                         v.decs == 1 && v.freed;
    if (v.what == Stimulus::forced_destroy) return false;  // only a forgotten child is freed this way
    return !d.queued || (v.incs == 0 && v.decs == 0 && !v.freed);
}

// A request socket is never counted; its timer and the listener's close() drop it silently, and only a final ACK
// that finds no listener is answered with an RST (tcp_v4_rcv, no socket). The listener's close() sends none.
bool reqsk_silent_right(const StepView& v) {
    if (v.from.state == S::listen || v.from.state == S::listen_stop) return !v.rst_sent;
    if (v.from.state != S::new_syn_recv) return true;
    if (v.incs != 0 || v.decs != 0) return false;
    return !v.rst_sent || (v.what == Stimulus::hs_ack && v.to.state == S::destroyed);
}
}  // namespace

PropertyMask violated_by_step(const StepView& v) {
    PropertyMask m = 0;
    if (!transition_allowed(v)) m |= bit(PropertyId::rfc_transitions);
    // TCP_LINGER2 < 0: an orphan whose FIN is acked is reset, it never waits in FIN_WAIT2 (full or bucket).
    const bool l2neg_waits = v.from.data.l2neg && v.from.data.dead &&
                             ((v.to.state == S::fin_wait2 && !v.to.data.tail) || v.to.state == S::tw_fin_wait2);
    if (v.rst_sent != rst_expected(v) || l2neg_waits) m |= bit(PropertyId::rst_discipline);
    if (!oom_kill_right(v)) m |= bit(PropertyId::oom_kill);
    if (!tw_handoff_right(v)) m |= bit(PropertyId::tw_handoff);
    if (!child_forget_right(v)) m |= bit(PropertyId::child_forget);
    if (!reqsk_silent_right(v)) m |= bit(PropertyId::reqsk_silent);
    return m;
}

std::string explain_step(PropertyId p, const StepView& v) {
    if (!(violated_by_step(v) & bit(p))) return "";
    const std::string from(model::state_name(v.from.state)), to(model::state_name(v.to.state));
    switch (p) {
        case PropertyId::rfc_transitions:
            return fmt::format("{} may not become {} on this event: not a succession the TCP specification allows",
                               from, to);
        case PropertyId::rst_discipline: {
            const bool expected = rst_expected(v);
            if (expected && !v.rst_sent) return fmt::format("an abortive path ({} -> {}): expected an RST, none was sent", from, to);
            if (!expected && v.rst_sent) return fmt::format("not an abortive path ({} -> {}): expected no RST, one was sent", from, to);
            return fmt::format("TCP_LINGER2 < 0: expected the orphan to be reset, it waits in {} instead", to);
        }
        case PropertyId::oom_kill:
            return v.oom ? fmt::format("tcp_check_oom finds too many orphans or too little memory: expected the orphan to be "
                                       "killed, it lives on in {}", to)
                         : fmt::format("no orphan or memory pressure: expected the orphan to live on, it was killed ({} -> {})",
                                       from, to);
        case PropertyId::tw_handoff:
            if (v.tw_full)
                return fmt::format("no timewait bucket is left (tcp_max_tw_buckets): expected none, the step takes one ({})", to);
            return fmt::format("a bucket is available: expected the connection to go to a timewait bucket, it went to {}", to);
        case PropertyId::child_forget: {
            const auto& d = v.from.data;
            if (v.what == Stimulus::listen_stop) {
                const bool reset = v.from.state == S::established || v.from.state == S::close_wait;
                return fmt::format("inet_child_forget on a queued {} child: expected it orphaned and off the queue in "
                                   "CLOSE, counted once, {}; it became {}, counted {} time{}, uncounted {}, {}",
                                   from, reset ? "with an RST (tcp_need_reset)" : "without an RST", model::describe(v.to),
                                   v.incs, v.incs == 1 ? "" : "s", v.decs, v.rst_sent ? "an RST sent" : "no RST");
            }
            if (d.forced)
                return fmt::format("a child inet_child_forget counted: expected its next step to free it and uncount it "
                                   "once (inet_csk_destroy_sock), it went to {} ({} decrement{}{})",
                                   to, v.decs, v.decs == 1 ? "" : "s", v.freed ? ", freed" : ", not freed");
            if (v.what == Stimulus::forced_destroy)
                return fmt::format("{} was never forgotten by inet_csk_listen_stop: expected inet_child_forget not to free it",
                                   from);
            return fmt::format("a child in the accept queue ({} -> {}): expected no count change outside "
                               "inet_child_forget, it was counted {} and uncounted {} time(s)",
                               from, to, v.incs, v.decs);
        }
        case PropertyId::reqsk_silent:
            if (v.from.state == S::listen || v.from.state == S::listen_stop)
                return fmt::format("the listener's close() ({} -> {}): expected no RST of its own, one was sent", from, to);
            if (v.incs != 0 || v.decs != 0)
                return fmt::format("a request socket ({} -> {}): expected it never counted, it was counted {} and "
                                   "uncounted {} time(s)", from, to, v.incs, v.decs);
            return fmt::format("a request socket ({} -> {}): expected it dropped without an RST (only a final ACK "
                               "that finds no listener is answered by one), an RST was sent", from, to);
        case PropertyId::no_deadlock:
        case PropertyId::eventually_destroyed:
        case PropertyId::orphan_balance:
        case PropertyId::counter_never_negative:
        case PropertyId::single_increment:
        case PropertyId::single_decrement:
        case PropertyId::counter_zero_at_end:
        case PropertyId::orphan_classification:
        case PropertyId::timer_armed:
        case PropertyId::close_progress:
        case PropertyId::abort_accepted:
        case PropertyId::listener_drains: return "";  // not step properties
    }
    return "";
}

namespace {
// What a configuration lacks for timer-armed, close-progress or abort-accepted: one clause per rule.
enum class Missing : std::uint8_t {
    none,
    write_timer,      // an orphan in FIN_WAIT1/CLOSING/LAST_ACK (or a lingering close()) with no retransmit timer
    probe_timer,      // the same while the FIN waits behind a zero window: no probe timer
    keepalive_timer,  // a FIN_WAIT2 orphan without the FIN_WAIT2 timer
    tw_timer,         // a timewait bucket without its timer
    linger_wake,      // a lingering close() whose wait cannot end
    close_call,       // an open socket that refuses a close() or shutdown() the application may call
    close_tail,       // __tcp_close stopped half-way
    release_sock,     // close() keeps the socket lock
    abort,            // tcp_abort cannot answer on a socket a lookup finds
    synack_timer,     // a request socket without its SYN-ACK timer
    syn_timer,        // a connecting socket without the retransmit timer of its SYN
};

Missing missing(PropertyId p, const EnabledView& e) {
    const LocalKey& k = e.local;
    const auto& d = k.data;
    using K = model::EventKind;
    switch (p) {
        case PropertyId::timer_armed: {
            // Kernel rule (g5): an orphan not owned by close() always has a timer that can end it: the write
            // timer (retransmissions, or zero-window probes while the FIN waits) in FIN_WAIT1/CLOSING/LAST_ACK,
            // the keepalive timer in FIN_WAIT2.
            const bool needs_write_timer = retransmits_fin(k.state) && !d.owned && (d.dead || d.lingering);
            if (needs_write_timer && d.window_wait && !e.has(K::probe_expire)) return Missing::probe_timer;
            if (needs_write_timer && !d.window_wait && !e.has(K::rto_expire) && !e.has(K::rto_timed_out) &&
                !e.has(K::loss_probe))
                return Missing::write_timer;
            if (k.state == S::fin_wait2 && d.dead && !d.owned && !e.has(K::keepalive_expire)) return Missing::keepalive_timer;
            if (model::holds_tw_bucket(k.state) && !e.has(K::tw_expire)) return Missing::tw_timer;
            if (d.lingering && !e.has(K::linger_wake)) return Missing::linger_wake;
            if (k.state == S::new_syn_recv && !e.has(K::reqsk_timer) && !e.has(K::reqsk_timer_no_listener))
                return Missing::synack_timer;
            if (k.state == S::syn_sent && !e.has(K::syn_rto)) return Missing::syn_timer;
            return Missing::none;
        }
        case PropertyId::close_progress: {
            // close() is accepted in every open state and, once started, runs to its end.
            const bool open = (k.state == S::established || k.state == S::close_wait || k.state == S::closed ||
                               k.state == S::listen || k.state == S::syn_sent ||
                               k.state == S::closed_tw || full_closing(k.state)) &&
                              !d.dead && !d.lingering;
            if (open && !e.every_close) return Missing::close_call;
            if (d.tail && !e.has(K::close_tail)) return Missing::close_tail;
            if (d.owned && !d.tail && !e.has(K::release_sock)) return Missing::release_sock;
            return Missing::none;
        }
        case PropertyId::abort_accepted: {
            // tcp_abort takes the socket lock, so it waits while close() holds it; otherwise it answers
            // (kills, purges or refuses) on every socket a socket lookup can find.
            const bool findable = k.state != S::destroyed && k.state != S::closed && k.state != S::closed_tw;
            return e.abort_allowed && findable && !d.owned && !e.has(K::abort) ? Missing::abort : Missing::none;
        }
        case PropertyId::no_deadlock:
        case PropertyId::eventually_destroyed:
        case PropertyId::orphan_balance:
        case PropertyId::counter_never_negative:
        case PropertyId::single_increment:
        case PropertyId::single_decrement:
        case PropertyId::counter_zero_at_end:
        case PropertyId::orphan_classification:
        case PropertyId::rfc_transitions:
        case PropertyId::rst_discipline:
        case PropertyId::oom_kill:
        case PropertyId::tw_handoff:
        case PropertyId::child_forget:
        case PropertyId::listener_drains:
        case PropertyId::reqsk_silent: return Missing::none;  // not judged on enabled events
    }
    return Missing::none;
}
}  // namespace

PropertyMask violated_by_enabled(const EnabledView& e) {
    PropertyMask m = 0;
    for (PropertyId p : {PropertyId::timer_armed, PropertyId::close_progress, PropertyId::abort_accepted})
        if (missing(p, e) != Missing::none) m |= bit(p);
    return m;
}

std::string explain_enabled(PropertyId p, const EnabledView& e) {
    const std::string where = model::describe(e.local);
    switch (missing(p, e)) {
        case Missing::none: return "";
        case Missing::write_timer:
            return fmt::format("{}: expected the retransmit timer to be able to end it, no retransmit timer event (nor "
                               "a loss probe) can fire", where);
        case Missing::probe_timer:
            return fmt::format("{}: its FIN waits behind a zero window, expected the zero-window probe timer to run, it "
                               "cannot fire", where);
        case Missing::keepalive_timer:
            return fmt::format("{}: expected the FIN_WAIT2 (keepalive) timer to end it, it cannot fire", where);
        case Missing::tw_timer: return fmt::format("{}: expected the timewait timer to free the bucket, it cannot fire", where);
        case Missing::linger_wake:
            return fmt::format("{}: close() lingers, expected its SO_LINGER wait to end by itself, it cannot", where);
        case Missing::close_call:
            return fmt::format("{}: an open socket, expected every close() and shutdown() the application may call to be "
                               "accepted, one is not", where);
        case Missing::close_tail:
            return fmt::format("{}: inside __tcp_close, expected the rest of it to run, it cannot", where);
        case Missing::release_sock:
            return fmt::format("{}: close() still owns the socket, expected release_sock to run, it cannot", where);
        case Missing::synack_timer:
            return fmt::format("{}: a request socket, expected its SYN-ACK timer to be able to end it, it cannot fire",
                               where);
        case Missing::syn_timer:
            return fmt::format("{}: connect() in progress, expected the SYN's retransmit timer to be able to end it, it "
                               "cannot fire", where);
        case Missing::abort:
            return fmt::format("{}: a socket a lookup finds, expected tcp_abort (ss -K) to answer it (kill, purge or "
                               "refuse), it is not handled", where);
    }
    return "";
}

}  // namespace orphancheck::properties
