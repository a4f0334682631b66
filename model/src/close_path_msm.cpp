// The Linux TCP close path of one socket as a Boost.MSM state machine.
// This is the single source of truth of close-path behaviour: the explorer
// either runs these machines directly (--engine msm) or a table extracted
// from them (socket_table.cpp). This is the only translation unit that
// includes Boost.MSM.
//
// Reading guide: each row is one kernel code path (Linux 6.x, net/ipv4/tcp*.c).
// Guards are named after the kernel condition they stand for, actions after
// the kernel function. Rows sharing a source and event have disjoint guards.
// Every row starts its action with row_<RowId>, which records the row name.
#include <boost/mpl/for_each.hpp>
#include <boost/mpl/size.hpp>
#include <boost/mpl/vector.hpp>
#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/back/tools.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>
#include <array>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <stdexcept>
#include <utility>

#include "orphancheck/model/close_path.hpp"
#include "orphancheck/model/guard_expr.hpp"
#include "orphancheck/model/table_patch.hpp"

namespace orphancheck::model {
namespace {

namespace msm = boost::msm;
namespace msmf = boost::msm::front;
namespace mpl = boost::mpl;

// ---------------------------------------------------------------- events
// Events carry only a pointer to the step context: machines hold no pointers,
// so a copied machine is self-contained.
struct Ctx {
    const SysctlConfig* cfg;
    GuardInputs in;
    EffectList fx;
    RowId row = RowId::none;
    const GuardOverrides* guards = nullptr;  // a patch's guard edits
};
struct EvBase {
    Ctx* ctx;
};
// One event type per kind; the kind is read back by describe_table().
template <EventKind K>
struct Event : EvBase {
    static constexpr EventKind kind = K;
};
struct Close : Event<EventKind::close> {
    CloseOpts opts;
};
struct RxAck : Event<EventKind::rx_ack> {  // also rx_fin_ack, with fin set
    bool fin = false;                      // the ACK arrives on the peer's FIN segment (th->fin)
};
using LingerWake = Event<EventKind::linger_wake>;
using CloseTail = Event<EventKind::close_tail>;
using ReleaseSock = Event<EventKind::release_sock>;
struct RxFin : Event<EventKind::rx_fin> {  // also rx_fin_old_ack, with old_ack set
    bool old_ack = false;                   // its ACK is below SND.UNA: our FIN was acked by a later segment
};
using RxData = Event<EventKind::rx_data>;
using RxRst = Event<EventKind::rx_rst>;
using RtoExpire = Event<EventKind::rto_expire>;
using RtoTimedOut = Event<EventKind::rto_timed_out>;
using KeepaliveExpire = Event<EventKind::keepalive_expire>;
using TwExpire = Event<EventKind::tw_expire>;
using Abort = Event<EventKind::abort>;
using ProbeExpire = Event<EventKind::probe_expire>;
using RxWindowAck = Event<EventKind::rx_window_ack>;
using RxWindowOpen = Event<EventKind::rx_window_open>;
struct Shutdown : Event<EventKind::shutdown> {  // also shutdown_zero_window and shutdown_unacked
    CloseOpts opts;                             // only window_closed and unacked are read
};
using RxDataAck = Event<EventKind::rx_data_ack>;
using LossProbe = Event<EventKind::loss_probe>;
using ListenStopForget = Event<EventKind::listen_stop_forget>;
using ForcedDestroy = Event<EventKind::forced_destroy>;
struct ListenStopEnd : Event<EventKind::listen_stop_end> {  // also listen_stop_end_busy, with queue_empty clear
    bool queue_empty = true;  // no child left in the accept queue (reqsk_queue_empty)
};
struct RxHsAck : Event<EventKind::rx_hs_ack> {  // also rx_hs_ack_no_listener, with listening clear
    bool listening = true;  // the request's listener is still in LISTEN
};
struct ReqskTimer : Event<EventKind::reqsk_timer> {  // also reqsk_timer_no_listener, with listening clear
    bool listening = true;
};
using RxSynAck = Event<EventKind::rx_syn_ack>;
using SynRto = Event<EventKind::syn_rto>;

// ---------------------------------------------------------------- guards
// X(name, condition): the named kernel conditions guards are built from. A condition reads the socket (f.d),
// the step context (configuration, global guard inputs) or the event; its call operator exists only for the
// events that carry what it reads, so patch files can be told which conditions a row may test.
#define OC_PREDICATES(X)                                                                                        \
    X(dead, f.d.dead)                         /* sock_flag(sk, SOCK_DEAD) */                                    \
    X(owned, f.d.owned)                       /* sock_owned_by_user(sk) */                                      \
    X(tail_pending, f.d.tail)                 /* __tcp_close between sock_orphan and the increment */           \
    X(lingering, f.d.lingering)               /* close() blocked in sk_stream_wait_close */                     \
    X(linger2_negative, f.d.l2neg)            /* tp->linger2 < 0 */                                             \
    X(fin_time_long, f.d.fin_long)            /* tcp_fin_time(sk) > TCP_TIMEWAIT_LEN */                         \
    X(check_oom, e.ctx->in.oom)               /* tcp_check_oom / tcp_out_of_resources (cached count) */         \
    X(tw_buckets_full, e.ctx->in.tw_full)     /* inet_twsk_alloc() returns NULL */                              \
    X(retries_left, f.d.retries < e.ctx->cfg->must_kill_after())                                                \
    X(retries_spent, f.d.retries >= e.ctx->cfg->may_kill_after()) /* retransmits_timed_out() */                 \
    X(unread_data, e.opts.unread)             /* data_was_unread */                                             \
    X(linger_zero, e.opts.linger == Linger::zero)       /* SOCK_LINGER && !sk_lingertime */                     \
    X(linger_timeout, e.opts.linger == Linger::timeout) /* SOCK_LINGER && sk_lingertime */                      \
    X(segment_has_fin, e.fin)                 /* th->fin */                                                     \
    X(segment_has_old_ack, e.old_ack)         /* before(ack, prior_snd_una) */                                  \
    X(accepts_old_ack, e.ctx->cfg->kernel.accepts_old_ack)         /* "accept old ack during closing" (2024) */ \
    X(write_queue_purged, f.d.purged)                              /* tcp_write_queue_purge ran (tcp_abort) */  \
    X(abort_kills_orphans, e.ctx->cfg->kernel.abort_kills_orphans) /* bac76cf89816 (v6.11) */                   \
    X(abort_frees_timewait, e.ctx->cfg->kernel.abort_frees_timewait) /* 6.x tcp_abort TIME_WAIT branch */       \
    X(retries_exhausted, f.d.retries >= e.ctx->cfg->must_kill_after())                                          \
    X(peer_window_zero, e.opts.window_closed) /* tcp_send_fin: unsent data, zero send window */                 \
    X(fin_waits_for_window, f.d.window_wait)  /* FIN queued, not sent: ICSK_TIME_PROBE0 armed */                \
    X(fin_alloc_may_fail, e.ctx->cfg->fin_alloc_fail) /* alloc_skb_fclone(GFP_ATOMIC) == NULL */                \
    X(data_unacked, e.opts.unacked)           /* tcp_send_fin behind sent, unacked data */                      \
    X(data_ahead_of_fin, f.d.data_ahead)      /* snd_una below the data ahead of our FIN */                     \
    X(fin_not_queued, f.d.fin_unqueued)       /* tcp_send_fin gave up: nothing to retransmit */                 \
    /* tcp_schedule_loss_probe: ICSK_TIME_LOSS_PROBE pending instead of the RTO, until the probe is sent (only   \
       before the first RTO retransmission; an ACK that advances SND.UNA schedules a new one) */                \
    X(loss_probe_armed, e.ctx->cfg->loss_probe && !f.d.tlp_sent && f.d.retries == 0)                             \
    /* tcp_probe_timer: an orphan at RTO_MAX (!alive) whose backoff reached tcp_orphan_retries(sk, alive)       \
       aborts before the OOM check. */                                                                          \
    X(probe_backoff_spent, f.d.dead && e.ctx->cfg->probe_backoff_spent(f.d.backoff))                            \
    /* tcp_probe_timer: icsk_probes_out >= max_probes (tcp_orphan_retries for an orphan, tcp_retries2          \
       otherwise) */                                                                                            \
    X(probes_out_spent, f.d.retries >= e.ctx->cfg->max_probes(f.d.dead, f.d.backoff))                            \
    X(in_accept_queue, f.d.queued)            /* a child on icsk_accept_queue, never accepted */                \
    X(forgotten_child, f.d.forced)            /* inet_child_forget counted it; it frees it next */              \
    X(accept_queue_empty, e.queue_empty)      /* inet_csk_listen_stop: reqsk_queue_remove found none */         \
    X(listener_listening, e.listening)        /* req->rsk_listener->sk_state == TCP_LISTEN */                   \
    X(synack_retries_spent, f.d.retries >= e.ctx->cfg->synack_retries) /* num_timeout >= max_syn_ack_retries */ \
    X(syn_retries_spent, f.d.retries >= e.ctx->cfg->syn_retries)      /* tcp_write_timeout: icsk_syn_retries */

#define OC_PRED(NAME, EXPR)                                                                                   \
    struct NAME {                                                                                             \
        static constexpr const char* name = #NAME;                                                            \
        template <class E, class F>                                                                           \
        auto operator()([[maybe_unused]] E const& e, [[maybe_unused]] F const& f) const -> decltype(bool(EXPR)) { \
            return (EXPR);                                                                                    \
        }                                                                                                     \
    };
OC_PREDICATES(OC_PRED)
#undef OC_PRED
template <class... P>
struct pred_list {};
#define OC_PRED_TYPE(NAME, EXPR) NAME,
using Predicates = pred_list<OC_PREDICATES(OC_PRED_TYPE) void>;  // `void` ends the list
#undef OC_PRED_TYPE
#define OC_PRED_NAME(NAME, EXPR) #NAME,
constexpr std::string_view kPredicateNames[] = {OC_PREDICATES(OC_PRED_NAME)};
#undef OC_PRED_NAME
constexpr int kPredicates = int(std::size(kPredicateNames));

// Predicate `i` of the list on event `e` of machine `f`; false for a predicate the event does not carry (a
// patch's guard is checked against guard_predicate_applies when it is read, so this does not happen).
template <class E, class F, class... P>
bool eval_predicate(int i, E const& e, F const& f, pred_list<P...>*) {
    bool r = false;
    int k = 0;
    auto one = [&]<class Q>(Q*) {
        if constexpr (!std::is_void_v<Q>) {
            if constexpr (requires { Q{}(e, f); })
                if (k == i) r = Q{}(e, f);
            ++k;
        }
    };
    (one(static_cast<P*>(nullptr)), ...);
    return r;
}
// Which predicates event type E carries (bit i: predicate i), for the machine type F.
template <class E, class F, class... P>
std::uint64_t predicates_of(pred_list<P...>*) {
    std::uint64_t m = 0;
    int k = 0;
    auto one = [&]<class Q>(Q*) {
        if constexpr (!std::is_void_v<Q>) {
            if constexpr (requires(E const& e, F const& f) { Q{}(e, f); }) m |= std::uint64_t(1) << k;
            ++k;
        }
    };
    (one(static_cast<P*>(nullptr)), ...);
    return m;
}
static_assert(kPredicates <= 64, "predicate masks are 64 bits");

template <class P>
struct not_ {
    template <class E, class F>
    bool operator()(E const& e, F const& f) const {
        return !P{}(e, f);
    }
};
template <class... P>
struct when {
    template <class E, class F, class S, class T>
    bool operator()(E const& e, F& f, S&, T&) const {
        return (P{}(e, f) && ...);
    }
};
template <class A, class B>
struct either {
    template <class E, class F>
    bool operator()(E const& e, F const& f) const {
        return A{}(e, f) || B{}(e, f);
    }
};
template <class A, class B>
struct both {
    template <class E, class F>
    bool operator()(E const& e, F const& f) const {
        return A{}(e, f) && B{}(e, f);
    }
};

// ---------------------------------------------------------------- actions
#define OC_ACT(NAME, BODY)                                                                \
    struct NAME {                                                                         \
        static constexpr const char* name = #NAME;                                        \
        template <class E, class F>                                                       \
        void operator()([[maybe_unused]] E const& e, [[maybe_unused]] F& f) const { \
            BODY;                                                                         \
        }                                                                                 \
    };
OC_ACT(set_sockopts, f.d.l2neg = e.opts.linger2 == Linger2::negative;
       f.d.fin_long = e.opts.linger2 == Linger2::long_ ||
                      (e.opts.linger2 == Linger2::sysctl && e.ctx->cfg->fin_timeout_long()))
OC_ACT(sock_orphan, f.d.dead = true; f.d.owned = true; f.d.tail = true; f.d.lingering = false)
OC_ACT(start_linger, f.d.lingering = true)
OC_ACT(release_ownership, f.d.owned = false)
OC_ACT(orphan_count_inc, e.ctx->fx.push(Effect::orphan_inc); f.d.tail = false)
OC_ACT(inet_csk_destroy_sock, e.ctx->fx.push(Effect::destroy); e.ctx->fx.push(Effect::orphan_dec))
// tcp_send_fin: the FIN goes out (behind the sent, unacked data when there is some).
OC_ACT(tcp_send_fin, e.ctx->fx.push(Effect::send_fin); f.d.data_ahead = e.opts.unacked)
OC_ACT(send_active_reset, e.ctx->fx.push(Effect::send_rst))
OC_ACT(send_ack, e.ctx->fx.push(Effect::send_ack))
OC_ACT(twsk_alloc, e.ctx->fx.push(Effect::tw_alloc))
OC_ACT(twsk_overflow, e.ctx->fx.push(Effect::tw_overflow))
OC_ACT(reset_keepalive_timer, e.ctx->fx.push(Effect::arm_keepalive))
OC_ACT(sk_state_change, e.ctx->fx.push(Effect::wake_user))
OC_ACT(tcp_write_queue_purge, f.d.purged = true)
OC_ACT(retransmit_fin, if (f.d.retries < e.ctx->cfg->must_kill_after()) ++f.d.retries; f.d.tlp_sent = false;
       e.ctx->fx.push(Effect::send_fin))
// tcp_send_fin with unsent data and a zero window: the FIN joins the queue tail, nothing is sent,
// tcp_check_probe_timer arms the probe timer.
OC_ACT(tcp_send_fin_queued, f.d.window_wait = true)
// tcp_send_fin: the FIN skb cannot be allocated and the write queue is empty: it returns, nothing is queued,
// no timer is armed.
OC_ACT(tcp_send_fin_alloc_failed, f.d.fin_unqueued = true)
// tcp_send_probe0: icsk_probes_out++, icsk_backoff++ while below tcp_retries2 (kept up to probe_backoff_cap).
OC_ACT(tcp_send_probe0, if (f.d.retries < 255) ++f.d.retries;
       if (f.d.backoff < e.ctx->cfg->probe_backoff_cap()) ++f.d.backoff; e.ctx->fx.push(Effect::send_probe))
// tcp_ack, SND.UNA advanced (FLAG_SND_UNA_ADVANCED): icsk_retransmits = 0, and with no retransmitted data left
// outstanding retrans_stamp is cleared: the retry clock of the FIN starts again at its next retransmission.
OC_ACT(tcp_ack_snd_una_advanced, f.d.data_ahead = false; f.d.retries = 0; f.d.tlp_sent = false)
// tcp_send_loss_probe: the FIN (the last segment) sent again by __tcp_retransmit_skb: no icsk_retransmits, no
// retrans_stamp; the RTO is re-armed from here.
OC_ACT(tcp_send_loss_probe, f.d.tlp_sent = true; e.ctx->fx.push(Effect::send_fin))
// tcp_ack: any acceptable ACK clears icsk_probes_out.
OC_ACT(tcp_ack_clears_probes, if (f.d.window_wait) f.d.retries = 0)
// tcp_ack_probe on an open window: backoff cleared, the queue (FIN last) goes out, the RTO runs from here.
OC_ACT(tcp_push_pending_frames, f.d.window_wait = false; f.d.retries = 0; f.d.backoff = 0; f.d.tlp_sent = false;
       e.ctx->fx.push(Effect::send_fin))
// inet_child_forget: tcp_disconnect left the child CLOSE; sock_orphan; off the accept queue; the count follows
// (orphan_count_inc), then inet_csk_destroy_sock (the forced_destroy row).
OC_ACT(inet_child_forget, f.d.dead = true; f.d.queued = false; f.d.forced = true)
// tcp_check_req -> syn_recv_sock -> inet_csk_complete_hashdance -> tcp_child_process: the child takes the
// request's place in ehash and joins the accept queue, ESTABLISHED.
OC_ACT(inet_csk_complete_hashdance, f.d.queued = true; f.d.retries = 0)
// inet_rtx_syn_ack from reqsk_timer_handler: num_timeout++, the SYN-ACK goes out again.
OC_ACT(inet_rtx_syn_ack, ++f.d.retries; e.ctx->fx.push(Effect::resend_handshake))
// tcp_retransmit_timer in SYN_SENT: our SYN again, backed off (icsk_retransmits++).
OC_ACT(retransmit_syn, ++f.d.retries; e.ctx->fx.push(Effect::resend_handshake))
// tcp_finish_connect: ESTABLISHED, the retransmit timer stopped; tcp_send_ack answers the SYN-ACK.
OC_ACT(tcp_finish_connect, f.d.retries = 0; e.ctx->fx.push(Effect::send_ack))
// The request socket is freed (reqsk_put): it was never counted, so only the ghost "freed" is set.
OC_ACT(reqsk_free, e.ctx->fx.push(Effect::destroy))
#undef OC_ACT

template <RowId R, class... A>
struct row_ {
    template <class E, class F, class S, class T>
    void operator()(E const& e, F& f, S&, T&) const {
        e.ctx->row = R;
        (A{}(e, f), ...);
    }
};

// ---------------------------------------------------------------- states
template <TcpState K>
struct tcp_state : msmf::state<> {
    static constexpr TcpState kind = K;
};
// States whose data no longer matters reset it on entry (entry runs after the
// action), so equal kernel situations are equal machines.
struct keep_nothing_but_tail {
    template <class E, class F>
    void on_entry(E const&, F& f) {
        const bool tail = f.d.tail;
        f.d = SockData{};
        f.d.tail = tail;
        f.d.dead = tail;
    }
};
struct Established : tcp_state<TcpState::established> {};
struct CloseWait : tcp_state<TcpState::close_wait> {};
struct FinWait1 : tcp_state<TcpState::fin_wait1> {};
struct FinWait2 : tcp_state<TcpState::fin_wait2> {
    template <class E, class F>
    void on_entry(E const&, F& f) {
        f.d.retries = 0;
        f.d.purged = false;  // nothing is retransmitted in FIN_WAIT2
        f.d.window_wait = false;
        f.d.fin_unqueued = false;  // snd_una == write_seq: any ACK "acked" the FIN that was never queued
        f.d.data_ahead = false;
        f.d.tlp_sent = false;
        f.d.backoff = 0;
    }
};
// TCP_LINGER2 and the FIN_WAIT2 timeout only matter on the way through FIN_WAIT2.
struct forget_fin_wait2_options {
    template <class E, class F>
    void on_entry(E const&, F& f) {
        f.d.fin_long = false;
        f.d.l2neg = false;
    }
};
struct Closing : tcp_state<TcpState::closing>, forget_fin_wait2_options {
    using forget_fin_wait2_options::on_entry;
};
struct LastAck : tcp_state<TcpState::last_ack>, forget_fin_wait2_options {
    using forget_fin_wait2_options::on_entry;
};
struct Closed : tcp_state<TcpState::closed> {
    template <class E, class F>
    void on_entry(E const&, F& f) {
        f.d.retries = 0;
        f.d.fin_long = false;
        f.d.l2neg = false;
        f.d.purged = false;
        f.d.window_wait = false;
        f.d.fin_unqueued = false;
        f.d.data_ahead = false;
        f.d.tlp_sent = false;
        f.d.backoff = 0;
    }
};
struct ClosedTw : tcp_state<TcpState::closed_tw> {
    template <class E, class F>
    void on_entry(E const& e, F& f) {
        Closed{}.on_entry(e, f);
    }
};
struct TwFinWait2 : tcp_state<TcpState::tw_fin_wait2>, keep_nothing_but_tail {
    using keep_nothing_but_tail::on_entry;
};
struct TwTimeWait : tcp_state<TcpState::tw_time_wait>, keep_nothing_but_tail {
    using keep_nothing_but_tail::on_entry;
};
struct Destroyed : tcp_state<TcpState::destroyed>, keep_nothing_but_tail {
    using keep_nothing_but_tail::on_entry;
};
struct SynSent : tcp_state<TcpState::syn_sent> {};
struct Listen : tcp_state<TcpState::listen> {};
struct ListenStop : tcp_state<TcpState::listen_stop> {};
struct NewSynRecv : tcp_state<TcpState::new_syn_recv> {};

using R = RowId;
static_assert(kRows <= BOOST_MPL_LIMIT_VECTOR_SIZE,
              "more rows than BOOST_MPL_LIMIT_VECTOR_SIZE: raise ORPHANCHECK_MPL_ROWS in model/CMakeLists.txt "
              "and add the model/mpl/boost/mpl/vector/vectorN.hpp headers up to it");
template <class... P>
using G = when<P...>;
template <class P>
using N = not_<P>;

// Every row's guard, unless a patch file gives the row another one (or the overlap check of patched_step asks for
// one row alone, or for all rows but one): then the patch's expression over the same named conditions decides.
template <class A>
struct row_id;
template <RowId Id, class... X>
struct row_id<row_<Id, X...>> {
    static constexpr RowId value = Id;
};
template <class A, class Gd>
struct patchable {
    template <class E, class F, class S, class T>
    bool operator()(E const& e, F& f, S& s, T& t) const {
        constexpr RowId id = row_id<A>::value;
        if (const GuardOverrides* o = e.ctx->guards) {
            if ((o->only != RowId::none && o->only != id) || o->without == id) return false;
            if (const GuardExpr* x = o->by_row[std::size_t(id)]) {
                const F& cf = f;
                return x->eval([&](int i) { return eval_predicate(i, e, cf, static_cast<Predicates*>(nullptr)); }, f.d,
                               *e.ctx->cfg);
            }
        }
        return Gd{}(e, f, s, t);
    }
};
template <class S, class E, class T, class A, class Gd>
using Row = msmf::Row<S, E, T, A, patchable<A, Gd>>;

// ---------------------------------------------------------------- machine
struct ClosePath_ : msmf::state_machine_def<ClosePath_> {
    SockData d;
    typedef int no_message_queue;     // no std::deque per machine: copies stay cheap
    typedef int no_exception_thrown;  // no try/catch around each dispatch
    typedef Established initial_state;

    // clang-format off
    struct transition_table : mpl::vector<
    //        Start        Event         Next        Action                                                                   Guard
    // ---- close(): __tcp_close up to sock_orphan (C0-C9)
    Row<Closed,      Close,        Closed,     row_<R::close_after_reset, sock_orphan>,                                 G<N<dead>, N<lingering>> >,
    Row<Established, Close,        Closed,     row_<R::close_unread_rst, send_active_reset, sock_orphan>,               G<unread_data> >,
    Row<CloseWait,   Close,        Closed,     row_<R::close_wait_unread_rst, send_active_reset, sock_orphan>,          G<unread_data> >,
    Row<Established, Close,        Closed,     row_<R::close_linger0_rst, send_active_reset, sock_orphan>,              G<N<unread_data>, linger_zero> >,
    Row<CloseWait,   Close,        Closed,     row_<R::close_wait_linger0_rst, send_active_reset, sock_orphan>,         G<N<unread_data>, linger_zero> >,
    Row<Established, Close,        FinWait1,   row_<R::close_fin, set_sockopts, tcp_send_fin, sock_orphan>,             G<N<unread_data>, N<linger_zero>, N<linger_timeout>, N<peer_window_zero>> >,
    Row<Established, Close,        FinWait1,   row_<R::close_fin_linger, set_sockopts, tcp_send_fin, start_linger>,     G<N<unread_data>, linger_timeout, N<peer_window_zero>> >,
    Row<CloseWait,   Close,        LastAck,    row_<R::close_wait_fin, set_sockopts, tcp_send_fin, sock_orphan>,        G<N<unread_data>, N<linger_zero>, N<linger_timeout>, N<peer_window_zero>> >,
    Row<CloseWait,   Close,        LastAck,    row_<R::close_wait_fin_linger, set_sockopts, tcp_send_fin, start_linger>, G<N<unread_data>, linger_timeout, N<peer_window_zero>> >,
    // (the peer stopped reading: our data waits behind its zero window, and the FIN behind the data)
    Row<Established, Close,        FinWait1,   row_<R::close_fin_zero_window, set_sockopts, tcp_send_fin_queued, sock_orphan>, G<N<unread_data>, N<linger_zero>, N<linger_timeout>, peer_window_zero> >,
    Row<Established, Close,        FinWait1,   row_<R::close_fin_linger_zero_window, set_sockopts, tcp_send_fin_queued, start_linger>, G<N<unread_data>, linger_timeout, peer_window_zero> >,
    Row<CloseWait,   Close,        LastAck,    row_<R::close_wait_fin_zero_window, set_sockopts, tcp_send_fin_queued, sock_orphan>, G<N<unread_data>, N<linger_zero>, N<linger_timeout>, peer_window_zero> >,
    Row<CloseWait,   Close,        LastAck,    row_<R::close_wait_fin_linger_zero_window, set_sockopts, tcp_send_fin_queued, start_linger>, G<N<unread_data>, linger_timeout, peer_window_zero> >,
    // (atomic memory short: tcp_send_fin cannot allocate the FIN and gives up; the state is FIN_WAIT1/LAST_ACK already)
    Row<Established, Close,        FinWait1,   row_<R::close_fin_alloc_failed, set_sockopts, tcp_send_fin_alloc_failed, sock_orphan>, G<N<unread_data>, N<linger_zero>, N<linger_timeout>, N<peer_window_zero>, fin_alloc_may_fail, N<data_unacked>> >,
    Row<Established, Close,        FinWait1,   row_<R::close_fin_linger_alloc_failed, set_sockopts, tcp_send_fin_alloc_failed, start_linger>, G<N<unread_data>, linger_timeout, N<peer_window_zero>, fin_alloc_may_fail, N<data_unacked>> >,
    Row<CloseWait,   Close,        LastAck,    row_<R::close_wait_fin_alloc_failed, set_sockopts, tcp_send_fin_alloc_failed, sock_orphan>, G<N<unread_data>, N<linger_zero>, N<linger_timeout>, N<peer_window_zero>, fin_alloc_may_fail, N<data_unacked>> >,
    Row<CloseWait,   Close,        LastAck,    row_<R::close_wait_fin_linger_alloc_failed, set_sockopts, tcp_send_fin_alloc_failed, start_linger>, G<N<unread_data>, linger_timeout, N<peer_window_zero>, fin_alloc_may_fail, N<data_unacked>> >,
    // ---- shutdown(SHUT_WR): tcp_shutdown -> tcp_close_state + tcp_send_fin; no SOCK_DEAD, no orphan count
    Row<Established, Shutdown,     FinWait1,   row_<R::shutdown_fin, tcp_send_fin>,                                      G<N<peer_window_zero>> >,
    Row<Established, Shutdown,     FinWait1,   row_<R::shutdown_fin_zero_window, tcp_send_fin_queued>,                   G<peer_window_zero> >,
    Row<Established, Shutdown,     FinWait1,   row_<R::shutdown_fin_alloc_failed, tcp_send_fin_alloc_failed>,            G<N<peer_window_zero>, fin_alloc_may_fail, N<data_unacked>> >,
    Row<CloseWait,   Shutdown,     LastAck,    row_<R::shutdown_close_wait_fin, tcp_send_fin>,                           G<N<peer_window_zero>> >,
    Row<CloseWait,   Shutdown,     LastAck,    row_<R::shutdown_close_wait_fin_zero_window, tcp_send_fin_queued>,        G<peer_window_zero> >,
    Row<CloseWait,   Shutdown,     LastAck,    row_<R::shutdown_close_wait_fin_alloc_failed, tcp_send_fin_alloc_failed>, G<N<peer_window_zero>, fin_alloc_may_fail, N<data_unacked>> >,
    // ---- close() after shutdown: __tcp_close in a state tcp_close_state keeps (no new FIN)
    Row<FinWait1,    Close,        Closed,     row_<R::close_shut_unread_rst_fin_wait1, send_active_reset, sock_orphan>,   G<N<dead>, N<lingering>, unread_data> >,
    Row<FinWait2,    Close,        Closed,     row_<R::close_shut_unread_rst_fin_wait2, send_active_reset, sock_orphan>,   G<N<dead>, N<lingering>, unread_data> >,
    Row<Closing,     Close,        Closed,     row_<R::close_shut_unread_rst_closing, send_active_reset, sock_orphan>,     G<N<dead>, N<lingering>, unread_data> >,
    Row<LastAck,     Close,        Closed,     row_<R::close_shut_unread_rst_last_ack, send_active_reset, sock_orphan>,    G<N<dead>, N<lingering>, unread_data> >,
    // (SO_LINGER 0: tcp_disconnect resets in a tcp_need_reset state, or while our FIN is still queued)
    Row<FinWait1,    Close,        Closed,     row_<R::close_shut_linger0_rst_fin_wait1, send_active_reset, sock_orphan>,  G<N<dead>, N<lingering>, N<unread_data>, linger_zero> >,
    Row<FinWait2,    Close,        Closed,     row_<R::close_shut_linger0_rst_fin_wait2, send_active_reset, sock_orphan>,  G<N<dead>, N<lingering>, N<unread_data>, linger_zero> >,
    Row<Closing,     Close,        Closed,     row_<R::close_shut_linger0_closing, sock_orphan>,                           G<N<dead>, N<lingering>, N<unread_data>, linger_zero, N<fin_waits_for_window>> >,
    Row<Closing,     Close,        Closed,     row_<R::close_shut_linger0_rst_closing, send_active_reset, sock_orphan>,    G<N<dead>, N<lingering>, N<unread_data>, linger_zero, fin_waits_for_window> >,
    Row<LastAck,     Close,        Closed,     row_<R::close_shut_linger0_last_ack, sock_orphan>,                          G<N<dead>, N<lingering>, N<unread_data>, linger_zero, N<fin_waits_for_window>> >,
    Row<LastAck,     Close,        Closed,     row_<R::close_shut_linger0_rst_last_ack, send_active_reset, sock_orphan>,   G<N<dead>, N<lingering>, N<unread_data>, linger_zero, fin_waits_for_window> >,
    Row<FinWait1,    Close,        FinWait1,   row_<R::close_shut_fin_wait1, set_sockopts, sock_orphan>,                   G<N<dead>, N<lingering>, N<unread_data>, N<linger_zero>, N<linger_timeout>> >,
    // (sk_stream_wait_close does not wait in FIN_WAIT2: SO_LINGER > 0 closes at once)
    Row<FinWait2,    Close,        FinWait2,   row_<R::close_shut_fin_wait2, set_sockopts, sock_orphan>,                   G<N<dead>, N<lingering>, N<unread_data>, N<linger_zero>> >,
    Row<Closing,     Close,        Closing,    row_<R::close_shut_closing, set_sockopts, sock_orphan>,                     G<N<dead>, N<lingering>, N<unread_data>, N<linger_zero>, N<linger_timeout>> >,
    Row<LastAck,     Close,        LastAck,    row_<R::close_shut_last_ack, set_sockopts, sock_orphan>,                    G<N<dead>, N<lingering>, N<unread_data>, N<linger_zero>, N<linger_timeout>> >,
    Row<FinWait1,    Close,        FinWait1,   row_<R::close_shut_linger_fin_wait1, set_sockopts, start_linger>,           G<N<dead>, N<lingering>, N<unread_data>, linger_timeout> >,
    Row<Closing,     Close,        Closing,    row_<R::close_shut_linger_closing, set_sockopts, start_linger>,             G<N<dead>, N<lingering>, N<unread_data>, linger_timeout> >,
    Row<LastAck,     Close,        LastAck,    row_<R::close_shut_linger_last_ack, set_sockopts, start_linger>,            G<N<dead>, N<lingering>, N<unread_data>, linger_timeout> >,
    Row<ClosedTw,    Close,        ClosedTw,   row_<R::close_shut_closed_tw, sock_orphan>,                                 G<N<dead>, N<lingering>> >,
    // ---- SO_LINGER wait ends: sk_stream_wait_close returns, adjudge_to_death (C9)
    Row<FinWait1,    LingerWake,   FinWait1,   row_<R::linger_wake_fin_wait1, sock_orphan>,                             G<lingering> >,
    Row<FinWait2,    LingerWake,   FinWait2,   row_<R::linger_wake_fin_wait2, sock_orphan>,                             G<lingering> >,
    Row<Closing,     LingerWake,   Closing,    row_<R::linger_wake_closing, sock_orphan>,                               G<lingering> >,
    Row<LastAck,     LingerWake,   LastAck,    row_<R::linger_wake_last_ack, sock_orphan>,                              G<lingering> >,
    Row<Closed,      LingerWake,   Closed,     row_<R::linger_wake_closed, sock_orphan>,                                G<lingering> >,
    Row<ClosedTw,    LingerWake,   ClosedTw,   row_<R::linger_wake_closed_tw, sock_orphan>,                             G<lingering> >,
    // ---- rest of __tcp_close after the backlog (C11-C15): orphan++, FIN_WAIT2, OOM, destroy
    Row<FinWait1,    CloseTail,    Destroyed,  row_<R::tail_fin_wait1_oom, orphan_count_inc, send_active_reset, inet_csk_destroy_sock>, G<tail_pending, check_oom> >,
    Row<FinWait1,    CloseTail,    FinWait1,   row_<R::tail_fin_wait1, orphan_count_inc>,                               G<tail_pending, N<check_oom>> >,
    Row<Closing,     CloseTail,    Destroyed,  row_<R::tail_closing_oom, orphan_count_inc, send_active_reset, inet_csk_destroy_sock>, G<tail_pending, check_oom> >,
    Row<Closing,     CloseTail,    Closing,    row_<R::tail_closing, orphan_count_inc>,                                 G<tail_pending, N<check_oom>> >,
    Row<LastAck,     CloseTail,    Destroyed,  row_<R::tail_last_ack_oom, orphan_count_inc, send_active_reset, inet_csk_destroy_sock>, G<tail_pending, check_oom> >,
    Row<LastAck,     CloseTail,    LastAck,    row_<R::tail_last_ack, orphan_count_inc>,                                G<tail_pending, N<check_oom>> >,
    Row<FinWait2,    CloseTail,    Destroyed,  row_<R::tail_fin_wait2_linger2_rst, orphan_count_inc, send_active_reset, inet_csk_destroy_sock>, G<tail_pending, linger2_negative> >,
    Row<FinWait2,    CloseTail,    Destroyed,  row_<R::tail_fin_wait2_keepalive_oom, orphan_count_inc, reset_keepalive_timer, send_active_reset, inet_csk_destroy_sock>, G<tail_pending, N<linger2_negative>, fin_time_long, check_oom> >,
    Row<FinWait2,    CloseTail,    FinWait2,   row_<R::tail_fin_wait2_keepalive, orphan_count_inc, reset_keepalive_timer>, G<tail_pending, N<linger2_negative>, fin_time_long, N<check_oom>> >,
    Row<FinWait2,    CloseTail,    TwFinWait2, row_<R::tail_fin_wait2_tw, orphan_count_inc, twsk_alloc, inet_csk_destroy_sock>, G<tail_pending, N<linger2_negative>, N<fin_time_long>, N<tw_buckets_full>> >,
    Row<FinWait2,    CloseTail,    Destroyed,  row_<R::tail_fin_wait2_tw_overflow, orphan_count_inc, twsk_overflow, inet_csk_destroy_sock>, G<tail_pending, N<linger2_negative>, N<fin_time_long>, tw_buckets_full> >,
    Row<Closed,      CloseTail,    Destroyed,  row_<R::tail_closed, orphan_count_inc, inet_csk_destroy_sock>,        G<tail_pending> >,
    Row<ClosedTw,    CloseTail,    TwTimeWait, row_<R::tail_closed_tw, orphan_count_inc, inet_csk_destroy_sock>,     G<tail_pending> >,
    Row<Destroyed,   CloseTail,    Destroyed,  row_<R::tail_after_destroy, orphan_count_inc>,                        G<tail_pending> >,
    // (No FIN_WAIT2 bucket can appear from the backlog: an owned FIN_WAIT1 takes the "bad case".)
    Row<TwTimeWait,  CloseTail,    TwTimeWait, row_<R::tail_after_destroy_tw_time_wait, orphan_count_inc>,           G<tail_pending> >,
    // ---- tcp_close: release_sock, the socket is no longer owned
    Row<FinWait1,    ReleaseSock,  FinWait1,   row_<R::release_fin_wait1, release_ownership>,                        G<owned, N<tail_pending>> >,
    Row<FinWait2,    ReleaseSock,  FinWait2,   row_<R::release_fin_wait2, release_ownership>,                        G<owned, N<tail_pending>> >,
    Row<Closing,     ReleaseSock,  Closing,    row_<R::release_closing, release_ownership>,                          G<owned, N<tail_pending>> >,
    Row<LastAck,     ReleaseSock,  LastAck,    row_<R::release_last_ack, release_ownership>,                         G<owned, N<tail_pending>> >,
    // ---- ACK of our FIN: tcp_rcv_state_process
    Row<FinWait1,    RxAck,        FinWait2,   row_<R::ack_fin_wait1_linger, sk_state_change>,                       G<N<dead>> >,
    Row<FinWait1,    RxAck,        Destroyed,  row_<R::ack_fin_wait1_linger2_rst, send_active_reset, inet_csk_destroy_sock>, G<dead, linger2_negative> >,
    Row<FinWait1,    RxAck,        FinWait2,   row_<R::ack_fin_wait1_keepalive, reset_keepalive_timer>,              G<dead, N<linger2_negative>, fin_time_long> >,
    Row<FinWait1,    RxAck,        FinWait2,   row_<R::ack_fin_wait1_bad_case, reset_keepalive_timer>,               G<dead, N<linger2_negative>, N<fin_time_long>, either<owned, segment_has_fin>> >,
    Row<FinWait1,    RxAck,        TwFinWait2, row_<R::ack_fin_wait1_tw, twsk_alloc, inet_csk_destroy_sock>,         G<dead, N<linger2_negative>, N<fin_time_long>, N<owned>, N<segment_has_fin>, N<tw_buckets_full>> >,
    Row<FinWait1,    RxAck,        Destroyed,  row_<R::ack_fin_wait1_tw_overflow, twsk_overflow, inet_csk_destroy_sock>, G<dead, N<linger2_negative>, N<fin_time_long>, N<owned>, N<segment_has_fin>, tw_buckets_full> >,
    Row<Closing,     RxAck,        TwTimeWait, row_<R::ack_closing_tw, twsk_alloc, inet_csk_destroy_sock>,           G<dead, N<tw_buckets_full>> >,
    Row<Closing,     RxAck,        Destroyed,  row_<R::ack_closing_tw_overflow, twsk_overflow, inet_csk_destroy_sock>, G<dead, tw_buckets_full> >,
    Row<Closing,     RxAck,        ClosedTw,   row_<R::ack_closing_linger_tw, twsk_alloc, sk_state_change>,          G<N<dead>, N<tw_buckets_full>> >,
    Row<Closing,     RxAck,        Closed,     row_<R::ack_closing_linger_tw_overflow, twsk_overflow, sk_state_change>, G<N<dead>, tw_buckets_full> >,
    Row<LastAck,     RxAck,        Destroyed,  row_<R::ack_last_ack, inet_csk_destroy_sock>,                         G<dead> >,
    Row<LastAck,     RxAck,        Closed,     row_<R::ack_last_ack_linger, sk_state_change>,                        G<N<dead>> >,
    // ---- peer FIN in order: tcp_fin (a FIN that also acks ours is RxAck then RxFin)
    Row<Established, RxFin,        CloseWait,  row_<R::fin_established, send_ack>,                                   G<> >,
    Row<FinWait1,    RxFin,        Closing,    row_<R::fin_fin_wait1, tcp_ack_clears_probes, send_ack>,              G<> >,
    Row<FinWait2,    RxFin,        TwTimeWait, row_<R::fin_fin_wait2_tw, send_ack, twsk_alloc, inet_csk_destroy_sock>, G<dead, N<tw_buckets_full>, either<N<segment_has_old_ack>, accepts_old_ack>> >,
    Row<FinWait2,    RxFin,        Destroyed,  row_<R::fin_fin_wait2_tw_overflow, send_ack, twsk_overflow, inet_csk_destroy_sock>, G<dead, tw_buckets_full, either<N<segment_has_old_ack>, accepts_old_ack>> >,
    Row<FinWait2,    RxFin,        ClosedTw,   row_<R::fin_fin_wait2_linger_tw, send_ack, twsk_alloc, sk_state_change>, G<N<dead>, N<tw_buckets_full>, either<N<segment_has_old_ack>, accepts_old_ack>> >,
    Row<FinWait2,    RxFin,        Closed,     row_<R::fin_fin_wait2_linger_tw_overflow, send_ack, twsk_overflow, sk_state_change>, G<N<dead>, tw_buckets_full, either<N<segment_has_old_ack>, accepts_old_ack>> >,
    // (5.15: step 5 drops the whole segment when its ACK is old, FIN included, with a challenge ACK)
    Row<FinWait2,    RxFin,        FinWait2,   row_<R::fin_fin_wait2_old_ack_dropped, send_ack>,                     G<segment_has_old_ack, N<accepts_old_ack>> >,
    Row<TwFinWait2,  RxFin,        TwTimeWait, row_<R::fin_tw_fin_wait2, send_ack>,                                  G<> >,
    // ---- new data after close(): RCV_SHUTDOWN set, RFC 1122 reset
    Row<FinWait1,    RxData,       Destroyed,  row_<R::data_fin_wait1_reset, send_active_reset, inet_csk_destroy_sock>, G<dead> >,
    Row<FinWait1,    RxData,       Closed,     row_<R::data_fin_wait1_linger_reset, send_active_reset, sk_state_change>, G<lingering> >,
    Row<FinWait2,    RxData,       Destroyed,  row_<R::data_fin_wait2_reset, send_active_reset, inet_csk_destroy_sock>, G<dead> >,
    Row<FinWait2,    RxData,       Closed,     row_<R::data_fin_wait2_linger_reset, send_active_reset, sk_state_change>, G<lingering> >,
    // (after shutdown(SHUT_WR) only RCV_SHUTDOWN is clear: the data is received as in ESTABLISHED)
    Row<FinWait1,    RxData,       FinWait1,   row_<R::data_fin_wait1_shut, send_ack>,                               G<N<dead>, N<lingering>> >,
    Row<FinWait2,    RxData,       FinWait2,   row_<R::data_fin_wait2_shut, send_ack>,                               G<N<dead>, N<lingering>> >,
    Row<TwFinWait2,  RxData,       Destroyed,  row_<R::data_tw_fin_wait2_rst, send_active_reset>,                    G<> >,
    // ---- acceptable RST from the peer: tcp_reset -> tcp_done
    Row<Established, RxRst,        Closed,     row_<R::rst_established, sk_state_change>,                            G<> >,
    Row<CloseWait,   RxRst,        Closed,     row_<R::rst_close_wait, sk_state_change>,                             G<> >,
    Row<FinWait1,    RxRst,        Destroyed,  row_<R::rst_fin_wait1, inet_csk_destroy_sock>,                        G<dead> >,
    Row<FinWait1,    RxRst,        Closed,     row_<R::rst_fin_wait1_linger, sk_state_change>,                       G<N<dead>> >,
    Row<FinWait2,    RxRst,        Destroyed,  row_<R::rst_fin_wait2, inet_csk_destroy_sock>,                        G<dead> >,
    Row<FinWait2,    RxRst,        Closed,     row_<R::rst_fin_wait2_linger, sk_state_change>,                       G<N<dead>> >,
    Row<Closing,     RxRst,        Destroyed,  row_<R::rst_closing, inet_csk_destroy_sock>,                          G<dead> >,
    Row<Closing,     RxRst,        Closed,     row_<R::rst_closing_linger, sk_state_change>,                         G<N<dead>> >,
    Row<LastAck,     RxRst,        Destroyed,  row_<R::rst_last_ack, inet_csk_destroy_sock>,                         G<dead> >,
    Row<LastAck,     RxRst,        Closed,     row_<R::rst_last_ack_linger, sk_state_change>,                        G<N<dead>> >,
    Row<TwFinWait2,  RxRst,        Destroyed,  row_<R::rst_tw_fin_wait2>,                                            G<> >,
    Row<TwTimeWait,  RxRst,        Destroyed,  row_<R::rst_tw_time_wait>,                                            G<> >,
    Row<ClosedTw,    RxRst,        Closed,     row_<R::rst_closed_tw>,                                               G<> >,
    // ---- retransmit timer, elapsed time below the orphan budget: tcp_retransmit_timer
    Row<FinWait1,    RtoExpire,    Destroyed,  row_<R::rto_fin_wait1_oom, send_active_reset, inet_csk_destroy_sock>, G<N<owned>, N<write_queue_purged>, N<fin_waits_for_window>, N<fin_not_queued>, N<loss_probe_armed>, dead, check_oom> >,
    Row<FinWait1,    RtoExpire,    FinWait1,   row_<R::rto_fin_wait1, retransmit_fin>,                               G<N<owned>, N<write_queue_purged>, N<fin_waits_for_window>, N<fin_not_queued>, N<loss_probe_armed>, dead, N<check_oom>, retries_left> >,
    Row<FinWait1,    RtoExpire,    FinWait1,   row_<R::rto_fin_wait1_linger, retransmit_fin>,                        G<N<owned>, N<write_queue_purged>, N<fin_waits_for_window>, N<fin_not_queued>, N<loss_probe_armed>, N<dead>, retries_left> >,
    Row<Closing,     RtoExpire,    Destroyed,  row_<R::rto_closing_oom, send_active_reset, inet_csk_destroy_sock>,   G<N<owned>, N<write_queue_purged>, N<fin_waits_for_window>, N<fin_not_queued>, N<loss_probe_armed>, dead, check_oom> >,
    Row<Closing,     RtoExpire,    Closing,    row_<R::rto_closing, retransmit_fin>,                                 G<N<owned>, N<write_queue_purged>, N<fin_waits_for_window>, N<fin_not_queued>, N<loss_probe_armed>, dead, N<check_oom>, retries_left> >,
    Row<Closing,     RtoExpire,    Closing,    row_<R::rto_closing_linger, retransmit_fin>,                          G<N<owned>, N<write_queue_purged>, N<fin_waits_for_window>, N<fin_not_queued>, N<loss_probe_armed>, N<dead>, retries_left> >,
    Row<LastAck,     RtoExpire,    Destroyed,  row_<R::rto_last_ack_oom, send_active_reset, inet_csk_destroy_sock>,  G<N<owned>, N<write_queue_purged>, N<fin_waits_for_window>, N<fin_not_queued>, N<loss_probe_armed>, dead, check_oom> >,
    Row<LastAck,     RtoExpire,    LastAck,    row_<R::rto_last_ack, retransmit_fin>,                                G<N<owned>, N<write_queue_purged>, N<fin_waits_for_window>, N<fin_not_queued>, N<loss_probe_armed>, dead, N<check_oom>, retries_left> >,
    Row<LastAck,     RtoExpire,    LastAck,    row_<R::rto_last_ack_linger, retransmit_fin>,                         G<N<owned>, N<write_queue_purged>, N<fin_waits_for_window>, N<fin_not_queued>, N<loss_probe_armed>, N<dead>, retries_left> >,
    // ---- retransmit timer, orphan budget spent: tcp_write_timeout -> tcp_write_err (no RST)
    Row<FinWait1,    RtoTimedOut,  Destroyed,  row_<R::timeout_fin_wait1_oom, send_active_reset, inet_csk_destroy_sock>, G<N<owned>, N<write_queue_purged>, N<fin_waits_for_window>, N<fin_not_queued>, N<loss_probe_armed>, dead, check_oom> >,
    Row<FinWait1,    RtoTimedOut,  Destroyed,  row_<R::timeout_fin_wait1, inet_csk_destroy_sock>,                    G<N<owned>, N<write_queue_purged>, N<fin_waits_for_window>, N<fin_not_queued>, N<loss_probe_armed>, dead, N<check_oom>, retries_spent> >,
    Row<Closing,     RtoTimedOut,  Destroyed,  row_<R::timeout_closing_oom, send_active_reset, inet_csk_destroy_sock>, G<N<owned>, N<write_queue_purged>, N<fin_waits_for_window>, N<fin_not_queued>, N<loss_probe_armed>, dead, check_oom> >,
    Row<Closing,     RtoTimedOut,  Destroyed,  row_<R::timeout_closing, inet_csk_destroy_sock>,                      G<N<owned>, N<write_queue_purged>, N<fin_waits_for_window>, N<fin_not_queued>, N<loss_probe_armed>, dead, N<check_oom>, retries_spent> >,
    Row<LastAck,     RtoTimedOut,  Destroyed,  row_<R::timeout_last_ack_oom, send_active_reset, inet_csk_destroy_sock>, G<N<owned>, N<write_queue_purged>, N<fin_waits_for_window>, N<fin_not_queued>, N<loss_probe_armed>, dead, check_oom> >,
    Row<LastAck,     RtoTimedOut,  Destroyed,  row_<R::timeout_last_ack, inet_csk_destroy_sock>,                     G<N<owned>, N<write_queue_purged>, N<fin_waits_for_window>, N<fin_not_queued>, N<loss_probe_armed>, dead, N<check_oom>, retries_spent> >,
    // (not yet an orphan: the lingering close() is woken with an error, tcp_retries2 / TCP_USER_TIMEOUT)
    Row<FinWait1,    RtoTimedOut,  Closed,     row_<R::timeout_fin_wait1_linger, sk_state_change>,                   G<N<owned>, N<write_queue_purged>, N<fin_waits_for_window>, N<fin_not_queued>, N<loss_probe_armed>, N<dead>, retries_exhausted> >,
    Row<Closing,     RtoTimedOut,  Closed,     row_<R::timeout_closing_linger, sk_state_change>,                     G<N<owned>, N<write_queue_purged>, N<fin_waits_for_window>, N<fin_not_queued>, N<loss_probe_armed>, N<dead>, retries_exhausted> >,
    Row<LastAck,     RtoTimedOut,  Closed,     row_<R::timeout_last_ack_linger, sk_state_change>,                    G<N<owned>, N<write_queue_purged>, N<fin_waits_for_window>, N<fin_not_queued>, N<loss_probe_armed>, N<dead>, retries_exhausted> >,
    // ---- tcp_send_loss_probe: the tail-loss probe resends our FIN before the first RTO expiry (O4)
    Row<FinWait1,    LossProbe,    FinWait1,   row_<R::loss_probe_fin_wait1, tcp_send_loss_probe>,                   G<N<owned>, N<write_queue_purged>, N<fin_waits_for_window>, N<fin_not_queued>, loss_probe_armed> >,
    Row<Closing,     LossProbe,    Closing,    row_<R::loss_probe_closing, tcp_send_loss_probe>,                     G<N<owned>, N<write_queue_purged>, N<fin_waits_for_window>, N<fin_not_queued>, loss_probe_armed> >,
    Row<LastAck,     LossProbe,    LastAck,    row_<R::loss_probe_last_ack, tcp_send_loss_probe>,                    G<N<owned>, N<write_queue_purged>, N<fin_waits_for_window>, N<fin_not_queued>, loss_probe_armed> >,
    // ---- zero-window probe timer (ICSK_TIME_PROBE0): tcp_probe_timer, our FIN waits behind unsent data
    Row<FinWait1,    ProbeExpire,  Destroyed,  row_<R::probe_fin_wait1_timeout, inet_csk_destroy_sock>,                 G<N<owned>, N<write_queue_purged>, fin_waits_for_window, dead, either<probe_backoff_spent, both<N<check_oom>, probes_out_spent>>> >,
    Row<FinWait1,    ProbeExpire,  Destroyed,  row_<R::probe_fin_wait1_oom, send_active_reset, inet_csk_destroy_sock>, G<N<owned>, N<write_queue_purged>, fin_waits_for_window, dead, N<probe_backoff_spent>, check_oom> >,
    Row<FinWait1,    ProbeExpire,  FinWait1,   row_<R::probe_fin_wait1, tcp_send_probe0>,                          G<N<owned>, N<write_queue_purged>, fin_waits_for_window, dead, N<probe_backoff_spent>, N<check_oom>, N<probes_out_spent>> >,
    Row<FinWait1,    ProbeExpire,  FinWait1,   row_<R::probe_fin_wait1_linger, tcp_send_probe0>,                   G<N<owned>, N<write_queue_purged>, fin_waits_for_window, N<dead>, N<probes_out_spent>> >,
    Row<FinWait1,    ProbeExpire,  Closed,     row_<R::probe_fin_wait1_linger_timeout, sk_state_change>,             G<N<owned>, N<write_queue_purged>, fin_waits_for_window, N<dead>, probes_out_spent> >,
    Row<Closing,     ProbeExpire,  Destroyed,  row_<R::probe_closing_timeout, inet_csk_destroy_sock>,                 G<N<owned>, N<write_queue_purged>, fin_waits_for_window, dead, either<probe_backoff_spent, both<N<check_oom>, probes_out_spent>>> >,
    Row<Closing,     ProbeExpire,  Destroyed,  row_<R::probe_closing_oom, send_active_reset, inet_csk_destroy_sock>, G<N<owned>, N<write_queue_purged>, fin_waits_for_window, dead, N<probe_backoff_spent>, check_oom> >,
    Row<Closing,     ProbeExpire,  Closing,    row_<R::probe_closing, tcp_send_probe0>,                          G<N<owned>, N<write_queue_purged>, fin_waits_for_window, dead, N<probe_backoff_spent>, N<check_oom>, N<probes_out_spent>> >,
    Row<Closing,     ProbeExpire,  Closing,    row_<R::probe_closing_linger, tcp_send_probe0>,                   G<N<owned>, N<write_queue_purged>, fin_waits_for_window, N<dead>, N<probes_out_spent>> >,
    Row<Closing,     ProbeExpire,  Closed,     row_<R::probe_closing_linger_timeout, sk_state_change>,             G<N<owned>, N<write_queue_purged>, fin_waits_for_window, N<dead>, probes_out_spent> >,
    Row<LastAck,     ProbeExpire,  Destroyed,  row_<R::probe_last_ack_timeout, inet_csk_destroy_sock>,                 G<N<owned>, N<write_queue_purged>, fin_waits_for_window, dead, either<probe_backoff_spent, both<N<check_oom>, probes_out_spent>>> >,
    Row<LastAck,     ProbeExpire,  Destroyed,  row_<R::probe_last_ack_oom, send_active_reset, inet_csk_destroy_sock>, G<N<owned>, N<write_queue_purged>, fin_waits_for_window, dead, N<probe_backoff_spent>, check_oom> >,
    Row<LastAck,     ProbeExpire,  LastAck,    row_<R::probe_last_ack, tcp_send_probe0>,                          G<N<owned>, N<write_queue_purged>, fin_waits_for_window, dead, N<probe_backoff_spent>, N<check_oom>, N<probes_out_spent>> >,
    Row<LastAck,     ProbeExpire,  LastAck,    row_<R::probe_last_ack_linger, tcp_send_probe0>,                   G<N<owned>, N<write_queue_purged>, fin_waits_for_window, N<dead>, N<probes_out_spent>> >,
    Row<LastAck,     ProbeExpire,  Closed,     row_<R::probe_last_ack_linger_timeout, sk_state_change>,             G<N<owned>, N<write_queue_purged>, fin_waits_for_window, N<dead>, probes_out_spent> >,
    // ---- the peer's ACK while we probe: tcp_ack clears icsk_probes_out, tcp_ack_probe sends on an open window
    Row<FinWait1,    RxWindowAck,  FinWait1,   row_<R::window_ack_fin_wait1, tcp_ack_clears_probes>,          G<fin_waits_for_window> >,
    Row<Closing,     RxWindowAck,  Closing,    row_<R::window_ack_closing, tcp_ack_clears_probes>,          G<fin_waits_for_window> >,
    Row<LastAck,     RxWindowAck,  LastAck,    row_<R::window_ack_last_ack, tcp_ack_clears_probes>,          G<fin_waits_for_window> >,
    Row<FinWait1,    RxWindowOpen, FinWait1,   row_<R::window_open_fin_wait1, tcp_push_pending_frames>,    G<fin_waits_for_window> >,
    Row<Closing,     RxWindowOpen, Closing,    row_<R::window_open_closing, tcp_push_pending_frames>,    G<fin_waits_for_window> >,
    Row<LastAck,     RxWindowOpen, LastAck,    row_<R::window_open_last_ack, tcp_push_pending_frames>,    G<fin_waits_for_window> >,
    // ---- the peer's ACK of the data ahead of our FIN (our FIN lost behind it): tcp_ack, SND.UNA advances
    Row<FinWait1,    RxDataAck,    FinWait1,   row_<R::data_ack_fin_wait1, tcp_ack_snd_una_advanced>,            G<data_ahead_of_fin> >,
    Row<Closing,     RxDataAck,    Closing,    row_<R::data_ack_closing, tcp_ack_snd_una_advanced>,              G<data_ahead_of_fin> >,
    Row<LastAck,     RxDataAck,    LastAck,    row_<R::data_ack_last_ack, tcp_ack_snd_una_advanced>,             G<data_ahead_of_fin> >,
    // ---- FIN_WAIT2 orphan timer: tcp_keepalive_timer
    Row<FinWait2,    KeepaliveExpire, TwFinWait2, row_<R::keepalive_tw, twsk_alloc, inet_csk_destroy_sock>,          G<N<owned>, dead, N<linger2_negative>, fin_time_long, N<tw_buckets_full>> >,
    Row<FinWait2,    KeepaliveExpire, Destroyed,  row_<R::keepalive_tw_overflow, twsk_overflow, inet_csk_destroy_sock>, G<N<owned>, dead, N<linger2_negative>, fin_time_long, tw_buckets_full> >,
    Row<FinWait2,    KeepaliveExpire, Destroyed,  row_<R::keepalive_rst, send_active_reset, inet_csk_destroy_sock>,   G<N<owned>, dead, either<linger2_negative, N<fin_time_long>>> >,
    // ---- timewait bucket timer: tw_timer_handler -> inet_twsk_kill
    Row<TwFinWait2,  TwExpire,     Destroyed,  row_<R::tw_fin_wait2_expire>,                                         G<> >,
    Row<TwTimeWait,  TwExpire,     Destroyed,  row_<R::tw_time_wait_expire>,                                         G<> >,
    Row<ClosedTw,    TwExpire,     Closed,     row_<R::closed_tw_expire>,                                            G<> >,
    // ---- tcp_abort (ss -K): waits for the socket lock; an orphan is destroyed only since 6.11
    Row<Established, Abort,        Closed,     row_<R::abort_established, send_active_reset, sk_state_change>,      G<> >,
    Row<CloseWait,   Abort,        Closed,     row_<R::abort_close_wait, send_active_reset, sk_state_change>,       G<> >,
    // (not yet an orphan: shut down with the file open, or close() lingering; every kernel resets it the same way)
    Row<FinWait1,    Abort,        Closed,     row_<R::abort_fin_wait1_linger, send_active_reset, sk_state_change>, G<N<dead>> >,
    Row<FinWait2,    Abort,        Closed,     row_<R::abort_fin_wait2_linger, send_active_reset, sk_state_change>, G<N<dead>> >,
    Row<Closing,     Abort,        Closed,     row_<R::abort_closing_linger, sk_state_change>,                      G<N<dead>> >,
    Row<LastAck,     Abort,        Closed,     row_<R::abort_last_ack_linger, sk_state_change>,                     G<N<dead>> >,
    Row<FinWait1,    Abort,        Destroyed,  row_<R::abort_fin_wait1, send_active_reset, inet_csk_destroy_sock>,  G<N<owned>, dead, abort_kills_orphans> >,
    Row<FinWait2,    Abort,        Destroyed,  row_<R::abort_fin_wait2, send_active_reset, inet_csk_destroy_sock>,  G<N<owned>, dead, abort_kills_orphans> >,
    Row<Closing,     Abort,        Destroyed,  row_<R::abort_closing, inet_csk_destroy_sock>,                       G<N<owned>, dead, abort_kills_orphans> >,
    Row<LastAck,     Abort,        Destroyed,  row_<R::abort_last_ack, inet_csk_destroy_sock>,                      G<N<owned>, dead, abort_kills_orphans> >,
    Row<FinWait1,    Abort,        FinWait1,   row_<R::abort_purge_fin_wait1, tcp_write_queue_purge>,               G<N<owned>, dead, N<abort_kills_orphans>> >,
    Row<Closing,     Abort,        Closing,    row_<R::abort_purge_closing, tcp_write_queue_purge>,                 G<N<owned>, dead, N<abort_kills_orphans>> >,
    Row<LastAck,     Abort,        LastAck,    row_<R::abort_purge_last_ack, tcp_write_queue_purge>,                G<N<owned>, dead, N<abort_kills_orphans>> >,
    Row<FinWait2,    Abort,        FinWait2,   row_<R::abort_skip_fin_wait2, tcp_write_queue_purge>,                G<N<owned>, dead, N<abort_kills_orphans>> >,
    Row<TwFinWait2,  Abort,        Destroyed,  row_<R::abort_tw_fin_wait2>,                                         G<abort_frees_timewait> >,
    Row<TwTimeWait,  Abort,        Destroyed,  row_<R::abort_tw_time_wait>,                                         G<abort_frees_timewait> >,
    Row<TwFinWait2,  Abort,        TwFinWait2, row_<R::abort_refused_tw_fin_wait2>,                                 G<N<abort_frees_timewait>> >,
    Row<TwTimeWait,  Abort,        TwTimeWait, row_<R::abort_refused_tw_time_wait>,                                 G<N<abort_frees_timewait>> >,
    // ---- close() of a listener: __tcp_close sets CLOSE (unhashing it), runs inet_csk_listen_stop, then
    //      adjudge_to_death (sock_orphan, count, destroy: the tail_closed row). SO_LINGER and unread data are not read.
    Row<Listen,      Close,        ListenStop, row_<R::close_listen>,                                                G<> >,
    Row<ListenStop,  ListenStopEnd, Closed,    row_<R::listen_stop_done, sock_orphan>,                               G<accept_queue_empty> >,
    // (inet_csk_listen_stop takes each child off the accept queue: inet_child_forget -> tcp_disconnect (RST in a
    //  tcp_need_reset state), sock_orphan, this_cpu_inc(orphan_count), inet_csk_destroy_sock)
    Row<Established, ListenStopForget, Closed, row_<R::forget_established, send_active_reset, inet_child_forget, orphan_count_inc>, G<in_accept_queue> >,
    Row<CloseWait,   ListenStopForget, Closed, row_<R::forget_close_wait, send_active_reset, inet_child_forget, orphan_count_inc>,  G<in_accept_queue> >,
    Row<Closed,      ListenStopForget, Closed, row_<R::forget_closed, inet_child_forget, orphan_count_inc>,          G<in_accept_queue> >,
    Row<Closed,      ForcedDestroy, Destroyed, row_<R::forced_destroy, inet_csk_destroy_sock>,                       G<forgotten_child> >,
    // ---- request sockets (NEW_SYN_RECV): the final ACK, the SYN-ACK timer, an RST from the client
    Row<NewSynRecv,  RxHsAck,      Established, row_<R::req_ack_child, inet_csk_complete_hashdance>,                 G<listener_listening> >,
    Row<NewSynRecv,  RxHsAck,      Destroyed,  row_<R::req_ack_no_listener, reqsk_free, send_active_reset>,          G<N<listener_listening>> >,
    Row<NewSynRecv,  ReqskTimer,   NewSynRecv, row_<R::reqsk_timer_resend, inet_rtx_syn_ack>,                        G<listener_listening, N<synack_retries_spent>> >,
    Row<NewSynRecv,  ReqskTimer,   Destroyed,  row_<R::reqsk_timer_expire, reqsk_free>,                              G<listener_listening, synack_retries_spent> >,
    Row<NewSynRecv,  ReqskTimer,   Destroyed,  row_<R::reqsk_timer_drop, reqsk_free>,                                G<N<listener_listening>> >,
    Row<NewSynRecv,  RxRst,        Destroyed,  row_<R::rst_new_syn_recv, reqsk_free>,                                G<> >,
    // ---- connect() in progress (SYN_SENT): close() sends nothing (tcp_close_state: CLOSE; with SO_LINGER 0
    //      tcp_disconnect, SYN_SENT not being a tcp_need_reset state); the rest of __tcp_close then counts +1/-1
    //      and destroys (tail_closed). The server's SYN-ACK, our SYN's timer, the server's RST.
    Row<SynSent,     Close,        Closed,     row_<R::close_syn_sent, sock_orphan>,                                 G<> >,
    Row<SynSent,     RxSynAck,     Established, row_<R::syn_ack_syn_sent, tcp_finish_connect>,                       G<> >,
    Row<SynSent,     SynRto,       SynSent,    row_<R::syn_rto_syn_sent, retransmit_syn>,                            G<N<syn_retries_spent>> >,
    Row<SynSent,     SynRto,       Closed,     row_<R::syn_timeout_syn_sent, sk_state_change>,                       G<syn_retries_spent> >,
    Row<SynSent,     RxRst,        Closed,     row_<R::rst_syn_sent, sk_state_change>,                               G<> >
    > {};
    // clang-format on

    static_assert(mpl::size<transition_table>::value == kRows, "one MSM row per RowId (rows.hpp)");

    template <class FSM, class Event>
    void no_transition(Event const&, FSM&, int) {}  // "not handled" is a normal answer here
};
using ClosePath = msm::back::state_machine<ClosePath_>;

// Copy and move always go through const& (the forwarding constructor of
// back::state_machine would reset the active state: msm-feasibility 1.3).
struct Machine : ClosePath {
    Machine() = default;
    Machine(const Machine& o) : ClosePath(static_cast<const ClosePath&>(o)) {}
    Machine(Machine&& o) noexcept : ClosePath(static_cast<const ClosePath&>(o)) {}
    Machine& operator=(const Machine&) = default;
    Machine& operator=(Machine&&) = default;
    ~Machine() = default;
};

using StateSet = msm::back::generate_state_set<ClosePath::stt>::type;

struct StateIds {
    std::array<TcpState, 32> by_msm_id{};
    std::array<int, kTcpStates> by_kind{};
    StateIds() {
        by_kind.fill(-1);
        mpl::for_each<StateSet, msm::wrap<mpl::placeholders::_1>>(Fill{this});  // for_each copies its functor
    }
    struct Fill {
        StateIds* ids;
        template <class S>
        void operator()(msm::wrap<S> const&) const {
            constexpr int id = msm::back::get_state_id<ClosePath::stt, S>::type::value;
            static_assert(id < 32);
            ids->by_msm_id[id] = S::kind;
            ids->by_kind[int(S::kind)] = id;
        }
    };
};
const StateIds& state_ids() {
    static const StateIds ids;
    return ids;
}

// Calls `f` with event `ev` as the machine receives it (one event type per kind).
template <class Fn>
auto with_event(EventId ev, Ctx& ctx, Fn&& f) {
    using Result = decltype(f(RxRst{{&ctx}}));
    switch (kind_of(ev)) {
        case EventKind::close: return f(Close{{&ctx}, close_opts_of(ev)});
        case EventKind::linger_wake: return f(LingerWake{{&ctx}});
        case EventKind::close_tail: return f(CloseTail{{&ctx}});
        case EventKind::release_sock: return f(ReleaseSock{{&ctx}});
        case EventKind::rx_ack: return f(RxAck{{&ctx}, false});
        case EventKind::rx_fin_ack: return f(RxAck{{&ctx}, true});
        case EventKind::rx_fin: return f(RxFin{{&ctx}, false});
        case EventKind::rx_fin_old_ack: return f(RxFin{{&ctx}, true});
        case EventKind::rx_data: return f(RxData{{&ctx}});
        case EventKind::rx_rst: return f(RxRst{{&ctx}});
        case EventKind::rto_expire: return f(RtoExpire{{&ctx}});
        case EventKind::rto_timed_out: return f(RtoTimedOut{{&ctx}});
        case EventKind::keepalive_expire: return f(KeepaliveExpire{{&ctx}});
        case EventKind::tw_expire: return f(TwExpire{{&ctx}});
        case EventKind::abort: return f(Abort{{&ctx}});
        case EventKind::probe_expire: return f(ProbeExpire{{&ctx}});
        case EventKind::rx_window_ack: return f(RxWindowAck{{&ctx}});
        case EventKind::rx_window_open: return f(RxWindowOpen{{&ctx}});
        case EventKind::shutdown:
        case EventKind::shutdown_zero_window:
        case EventKind::shutdown_unacked: return f(Shutdown{{&ctx}, shutdown_opts(kind_of(ev))});
        case EventKind::rx_data_ack: return f(RxDataAck{{&ctx}});
        case EventKind::loss_probe: return f(LossProbe{{&ctx}});
        case EventKind::listen_stop_forget: return f(ListenStopForget{{&ctx}});
        case EventKind::forced_destroy: return f(ForcedDestroy{{&ctx}});
        case EventKind::listen_stop_end: return f(ListenStopEnd{{&ctx}, true});
        case EventKind::listen_stop_end_busy: return f(ListenStopEnd{{&ctx}, false});
        case EventKind::rx_hs_ack: return f(RxHsAck{{&ctx}, true});
        case EventKind::rx_hs_ack_no_listener: return f(RxHsAck{{&ctx}, false});
        case EventKind::reqsk_timer: return f(ReqskTimer{{&ctx}, true});
        case EventKind::reqsk_timer_no_listener: return f(ReqskTimer{{&ctx}, false});
        case EventKind::rx_syn_ack: return f(RxSynAck{{&ctx}});
        case EventKind::syn_rto: return f(SynRto{{&ctx}});
    }
    return Result{};
}

msm::back::HandledEnum dispatch(Machine& m, EventId ev, Ctx& ctx) {
    return with_event(ev, ctx, [&m](auto const& e) { return m.process_event(e); });
}

// ---------------------------------------------------------------- static description
template <class P>
struct guard_text {
    static std::string get() { return P::name; }
};
template <class P>
struct guard_text<not_<P>> {
    static std::string get() { return "!" + guard_text<P>::get(); }
};
template <class A, class B>
struct guard_text<either<A, B>> {
    static std::string get() { return "(" + guard_text<A>::get() + " || " + guard_text<B>::get() + ")"; }
};
template <class A, class B>
struct guard_text<both<A, B>> {
    static std::string get() { return "(" + guard_text<A>::get() + " && " + guard_text<B>::get() + ")"; }
};
template <class... P>
std::string join_guard(when<P...>*) {
    std::string s;
    ((s += (s.empty() ? "" : " && ") + guard_text<P>::get()), ...);
    return s;
}
template <class A, class Gd>
std::string join_guard(patchable<A, Gd>*) {
    return join_guard(static_cast<Gd*>(nullptr));
}
template <RowId R, class... A>
std::string join_actions(row_<R, A...>*) {
    std::string s;
    ((s += (s.empty() ? "" : ", ") + std::string(A::name)), ...);
    return s;
}
template <RowId R, class... A>
constexpr RowId row_of(row_<R, A...>*) {
    return R;
}

struct Describe {
    std::vector<RowDescription>* out;
    template <class S, class E, class T, class A, class G>
    void operator()(msm::wrap<msmf::Row<S, E, T, A, G>> const&) const {
        out->push_back({row_of(static_cast<A*>(nullptr)), S::kind, E::kind, T::kind,
                        join_guard(static_cast<G*>(nullptr)), join_actions(static_cast<A*>(nullptr))});
    }
};


// A socket's data without a machine: what conditions and on_entry read and write.
struct DataOnly {
    SockData d;
};

struct EnterState {
    TcpState target;
    SockData* d;
    template <class S>
    void operator()(msm::wrap<S> const&) const {
        if (S::kind != target) return;
        DataOnly f{*d};
        S{}.on_entry(0, f);
        *d = f.d;
    }
};

}  // namespace

SockData entered_data(TcpState s, SockData d) {
    mpl::for_each<StateSet, msm::wrap<mpl::placeholders::_1>>(EnterState{s, &d});
    return d;
}

std::span<const std::string_view> guard_predicate_names() { return kPredicateNames; }

bool guard_predicate_applies(EventKind event, int pred) {
    static const std::array<std::uint64_t, kEventKinds> masks = [] {
        std::array<std::uint64_t, kEventKinds> m{};
        Ctx ctx{};
        for (int ev = 0; ev < kEvents; ++ev)
            m[std::size_t(kind_of(EventId(ev)))] |= with_event(EventId(ev), ctx, []<class E>(E const&) {
                return predicates_of<E, DataOnly>(static_cast<Predicates*>(nullptr));
            });
        return m;
    }();
    return pred >= 0 && pred < kPredicates && ((masks[std::size_t(event)] >> pred) & 1u);
}

bool guard_predicate_applies(RowId row, int pred) {
    return guard_predicate_applies(describe_table()[std::size_t(row)].event, pred);
}

bool guard_holds(const GuardExpr& guard, const LocalKey& from, EventId ev, GuardInputs in, const SysctlConfig& cfg) {
    Ctx ctx{&cfg, in, {}, RowId::none, nullptr};
    const DataOnly f{from.data};
    return with_event(ev, ctx, [&](auto const& e) {
        return guard.eval([&](int i) { return eval_predicate(i, e, f, static_cast<Predicates*>(nullptr)); }, f.d, cfg);
    });
}

EventKind dispatched_as(EventKind k) {
    Ctx ctx{};
    const EventId ev = k == EventKind::close ? EventId(0) : event_of(k);
    return with_event(ev, ctx, []<class E>(E const&) { return E::kind; });
}

const std::vector<RowDescription>& describe_table() {
    static const std::vector<RowDescription> rows = [] {
        std::vector<RowDescription> v;
        mpl::for_each<ClosePath_::transition_table, msm::wrap<mpl::placeholders::_1>>(Describe{&v});
        return v;
    }();
    return rows;
}

struct MsmClosePath::Impl {
    SysctlConfig cfg;
    std::array<std::optional<Machine>, kTcpStates> protos;

    LocalKey key_of(const Machine& m) const {
        return {state_ids().by_msm_id[std::size_t(m.current_state()[0])], m.d};
    }
    void remember(const Machine& m) {
        auto& slot = protos[std::size_t(key_of(m).state)];
        if (!slot) slot.emplace(std::as_const(m));
    }
};

MsmClosePath::MsmClosePath(const SysctlConfig& cfg) : impl_(std::make_unique<Impl>()) {
    impl_->cfg = cfg;
    Machine m;
    m.start();
    impl_->remember(m);
    // The roles that start elsewhere than the initial state (a listener, a request socket): no row leads into
    // their first state, so their machines are the started one with that state made active (the region's
    // active-state id lives in the machine object itself; current_state() points at it).
    for (SlotRole r : {SlotRole::listener, SlotRole::request, SlotRole::connecting}) {
        const TcpState s = initial_local(r).state;
        Machine root(std::as_const(m));
        const_cast<int*>(root.current_state())[0] = state_ids().by_kind[std::size_t(s)];
        impl_->remember(root);
    }
}
MsmClosePath::~MsmClosePath() = default;

LocalKey MsmClosePath::initial() const {
    return impl_->key_of(*impl_->protos[std::size_t(TcpState::established)]);
}

bool MsmClosePath::can_materialise(TcpState s) const { return impl_->protos[std::size_t(s)].has_value(); }
const SysctlConfig& MsmClosePath::config() const { return impl_->cfg; }

StepResult MsmClosePath::fire(const LocalKey& from, EventId ev, GuardInputs in, const GuardOverrides* guards) {
    const auto& proto = impl_->protos[std::size_t(from.state)];
    // Only a patch can lead here (a retarget into a state no machine has entered).
    if (!proto)
        throw PatchError("the patch retargets into " + std::string(state_name(from.state)) +
                         ", a state the MSM machine never enters in this configuration");
    Machine m(*proto);
    m.d = from.data;
    Ctx ctx{&impl_->cfg, in, {}, RowId::none, guards};
    StepResult r;
    if ((dispatch(m, ev, ctx) & msm::back::HANDLED_TRUE) == 0) return r;
    r.enabled = true;
    r.next = impl_->key_of(m);
    r.effects = ctx.fx;
    r.row = ctx.row;
    impl_->remember(m);
    return r;
}

}  // namespace orphancheck::model
