// Events a single socket's close-path machine reacts to, declared once.
//
// ORPHANCHECK_EVENTS below is the one place an event is described: its kernel
// function, weak-fairness class, timing class (how the timed reading bounds
// its delay), how the explorer fires it and the stimulus the step properties
// judge it as. The enum, the fairness masks, the timed reading, the trace
// check and the CLI listing (`orphancheck events`) are derived from it; every
// switch over these enums has no default arm, so the compiler lists the places
// a new entry must be handled.
//
// Every event the explorer can fire on a socket is one EventId: the close()
// variants are flattened (SO_LINGER x TCP_LINGER2 x unread data x peer window)
// so that a table column is a plain index.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace orphancheck::model {

enum class Linger : std::uint8_t { off, zero, timeout };               // SO_LINGER
enum class Linger2 : std::uint8_t { sysctl, negative, short_, long_ };  // TCP_LINGER2: 0 / -1 / <=60 s / >60 s

struct CloseOpts {
    Linger linger = Linger::off;
    Linger2 linger2 = Linger2::sysctl;
    bool unread = false;         // unread bytes in the receive queue at close()
    bool window_closed = false;  // the peer stopped reading: its window is zero and our data (and so the FIN) waits
    bool unacked = false;  // sent data not yet acked by the peer, window open: our FIN goes out behind it
    bool operator==(const CloseOpts&) const = default;
};
inline constexpr int kLingers = 3, kLinger2s = 4;
inline constexpr int kCloseVariants = kLingers * kLinger2s * 2 * 2 * 2;

// Weak-fairness classes: a class continuously enabled on a socket must eventually fire.
// `write_timer` is icsk_retransmit_timer, which runs both the retransmissions and the
// zero-window probes (ICSK_TIME_RETRANS / ICSK_TIME_PROBE0).
enum class Fairness : std::uint8_t { none, app, write_timer, keepalive, tw };
inline constexpr int kFairClasses = 4;  // every class but none: one bit each in a fairness mask
static_assert(kFairClasses <= 8, "fairness masks are 8 bits wide");

// How the timed reading bounds the delay before the event fires (analysis/timed.cpp).
enum class Timing : std::uint8_t {
    instant,    // a segment on the wire, the rest of a running close()
    anytime,    // a choice of the application or an administrator
    rto,        // the retransmit timer: RTO_MIN doubled per retransmission, capped at RTO_MAX
    probe,      // the zero-window probe timer: RTO doubled per probe (icsk_backoff), capped at RTO_MAX
    loss_probe, // the tail-loss probe timer: 2 srtt plus TCP_RTO_MIN for a lone segment, capped at the RTO
    keepalive,  // the FIN_WAIT2 orphan timer: tcp_fin_time() (- 60 s when it is above 60 s)
    timewait,   // the timewait bucket timer
    linger,     // the SO_LINGER wait of close()
    handshake,  // the SYN-ACK timer of a request socket: TCP_TIMEOUT_INIT (1 s) doubled per retransmission, capped at RTO_MAX
};

// How the explorer fires the event on a socket.
enum class Source : std::uint8_t {
    close_call,  // the application's close(), once per configured close() variant
    direct,      // by itself whenever a row accepts it (timers, the rest of close())
    admin,       // tcp_abort, when the run lets an administrator act
    segment,     // a segment from the peer arriving (the network model delivers it)
    shutdown_call,  // the application's shutdown(SHUT_WR) before close(), when the run lets it (--shutdown)
    // By itself, in the variant that matches the run's listener (--listener yes):
    listen_stop,       // on every socket while the listener's close() runs inet_csk_listen_stop
    if_queue_busy,     // ... and some child of it is still queued or being forgotten
    if_queue_empty,    // ... and its accept queue is empty
    if_listening,      // while the listener is in LISTEN (or there is none)
    if_not_listening,  // once the listener has left LISTEN
};

// The stimulus of a step as the TCP specification names it (what the step properties judge).
enum class Stimulus : std::uint8_t {
    close,         // close() (with opts)
    linger_wake,   // the SO_LINGER wait ends
    close_tail,    // the rest of __tcp_close
    release_sock,  // tcp_close releases the socket lock
    ack,           // the peer's ACK of our FIN
    fin,           // the peer's FIN (not acking our FIN)
    fin_ack,       // the peer's FIN that also acks our FIN
    data,          // new data from the peer
    rst,           // an acceptable RST from the peer
    rto,           // retransmit timer, budget left
    rto_timeout,   // retransmit timer, budget spent
    keepalive,     // FIN_WAIT2 (keepalive) timer
    tw_expire,     // timewait timer
    abort,         // tcp_abort: ss -K / SOCK_DESTROY (RFC 793 ABORT)
    probe,         // zero-window probe timer (RFC 1122 4.2.2.17)
    window_ack,    // the peer's ACK of a probe, window still zero
    window_open,   // the peer's ACK opens its window: the queued data and FIN go out
    data_ack,      // the peer's ACK of the data ahead of our FIN, not of the FIN: SND.UNA advances
    loss_probe,    // tail-loss probe: our FIN sent again, no retransmission counted (RFC 8985 7.3)
    shutdown,      // shutdown(SHUT_WR): our FIN, the file stays open (RFC 793 CLOSE of the send side)
    listen_stop,   // the listener's close() reaches this queued child (inet_csk_listen_stop/inet_child_forget)
    forced_destroy,   // inet_child_forget frees the child it forgot
    listen_stop_end,  // the listener's close() after its accept queue (RFC 793 CLOSE in LISTEN deletes the TCB)
    hs_ack,        // the final ACK of the handshake, or a segment carrying it (RFC 793 SYN-RECEIVED + ACK)
    synack_timer,  // the request socket's SYN-ACK timer
    syn_ack,       // the server's SYN-ACK to our SYN (RFC 793 SYN-SENT + SYN,ACK)
    syn_timer,     // the retransmit timer of our SYN
};

// X(id, kernel function, fairness, timing, source, stimulus, text)
#define ORPHANCHECK_EVENTS(X)                                                                                      \
    X(close, "__tcp_close", app, anytime, close_call, close, "close()")                                            \
    X(linger_wake, "sk_stream_wait_close", app, linger, direct, linger_wake, "close(): the SO_LINGER wait ends")  \
    X(close_tail, "__tcp_close", app, instant, direct, close_tail, "close(): rest of __tcp_close after the backlog") \
    X(release_sock, "release_sock", app, instant, direct, release_sock, "close(): release_sock")                   \
    X(rx_ack, "tcp_rcv_state_process", none, instant, segment, ack, "ACK of our FIN")                              \
    X(rx_fin_ack, "tcp_rcv_state_process", none, instant, segment, fin_ack, "ACK of our FIN on the peer's FIN")    \
    X(rx_fin, "tcp_fin", none, instant, segment, fin, "peer FIN")                                                  \
    X(rx_data, "tcp_rcv_state_process", none, instant, segment, data, "peer data")                                 \
    X(rx_rst, "tcp_reset", none, instant, segment, rst, "peer RST")                                                \
    X(rto_expire, "tcp_retransmit_timer", write_timer, rto, direct, rto, "retransmit timer fires")                 \
    X(rto_timed_out, "tcp_write_timeout", write_timer, rto, direct, rto_timeout,                                   \
      "retransmit timer fires, retry budget spent")                                                                 \
    X(keepalive_expire, "tcp_keepalive_timer", keepalive, keepalive, direct, keepalive,                            \
      "FIN_WAIT2 (keepalive) timer fires")                                                                          \
    X(tw_expire, "tw_timer_handler", tw, timewait, direct, tw_expire, "timewait timer fires")                      \
    X(abort, "tcp_abort", none, anytime, admin, abort, "tcp_abort (ss -K)")                                        \
    X(rx_fin_old_ack, "tcp_rcv_state_process", none, instant, segment, fin, "peer FIN with an old ACK")            \
    X(probe_expire, "tcp_probe_timer", write_timer, probe, direct, probe, "zero-window probe timer fires")         \
    X(rx_window_ack, "tcp_ack_probe", none, instant, segment, window_ack, "peer ACK, window still zero")           \
    X(rx_window_open, "tcp_ack_probe", none, instant, segment, window_open, "peer ACK opens its window")          \
    X(shutdown, "tcp_shutdown", app, anytime, shutdown_call, shutdown, "shutdown(SHUT_WR)")                       \
    X(shutdown_zero_window, "tcp_shutdown", app, anytime, shutdown_call, shutdown,                                \
      "shutdown(SHUT_WR), peer window zero")                                                                        \
    X(shutdown_unacked, "tcp_shutdown", app, anytime, shutdown_call, shutdown,                                    \
      "shutdown(SHUT_WR), data unacked")                                                                            \
    X(rx_data_ack, "tcp_ack", none, instant, segment, data_ack, "peer ACK of the data ahead of our FIN")          \
    X(loss_probe, "tcp_send_loss_probe", write_timer, loss_probe, direct, loss_probe, "loss probe timer fires (TLP)") \
    X(listen_stop_forget, "inet_csk_listen_stop/inet_child_forget", app, instant, listen_stop, listen_stop,          \
      "the listener's close(): inet_csk_listen_stop forgets this queued child")                                     \
    X(forced_destroy, "inet_child_forget/inet_csk_destroy_sock", app, instant, direct, forced_destroy,              \
      "inet_child_forget destroys the child it forgot")                                                             \
    X(listen_stop_end, "inet_csk_listen_stop", app, instant, if_queue_empty, listen_stop_end,                       \
      "the listener's close(): its accept queue is empty")                                                          \
    X(listen_stop_end_busy, "inet_csk_listen_stop", app, instant, if_queue_busy, listen_stop_end,                   \
      "the listener's close(): children still queued")                                                              \
    X(rx_hs_ack, "tcp_check_req", none, instant, segment, hs_ack, "final ACK of the handshake, listener in LISTEN") \
    X(rx_hs_ack_no_listener, "tcp_v4_rcv", none, instant, segment, hs_ack,                                          \
      "final ACK of the handshake, listener closed")                                                                \
    X(reqsk_timer, "reqsk_timer_handler", write_timer, handshake, if_listening, synack_timer,                       \
      "SYN-ACK timer fires, listener in LISTEN")                                                                    \
    X(reqsk_timer_no_listener, "reqsk_timer_handler", write_timer, handshake, if_not_listening, synack_timer,      \
      "SYN-ACK timer fires, listener closed")                                                                       \
    X(rx_syn_ack, "tcp_rcv_synsent_state_process", none, instant, segment, syn_ack, "the server's SYN-ACK")         \
    X(syn_rto, "tcp_retransmit_timer", write_timer, handshake, direct, syn_timer, "SYN retransmit timer fires")

enum class EventKind : std::uint8_t {
#define ORPHANCHECK_EVENT_ENUM(id, fn, fair, timing, source, stimulus, text) id,
    ORPHANCHECK_EVENTS(ORPHANCHECK_EVENT_ENUM)
#undef ORPHANCHECK_EVENT_ENUM
};
#define ORPHANCHECK_EVENT_COUNT(...) +1
inline constexpr int kEventKinds = 0 ORPHANCHECK_EVENTS(ORPHANCHECK_EVENT_COUNT);
#undef ORPHANCHECK_EVENT_COUNT
inline constexpr int kEvents = (kEventKinds - 1) + kCloseVariants;

using EventId = std::uint8_t;  // 0..kCloseVariants-1: close variants; then the other kinds
// Labels (checker) put the network's events after these in the same byte.
static_assert(kEvents < 200, "EventId and the explorer's move labels are one byte");

struct EventInfo {
    EventKind kind;
    std::string_view id;               // "rto_expire"
    std::string_view kernel_function;  // "tcp_retransmit_timer"
    Fairness fairness;
    Timing timing;
    Source source;
    Stimulus stimulus;
    std::string_view text;  // "retransmit timer fires"
};
[[nodiscard]] const EventInfo& info(EventKind k);
[[nodiscard]] const std::array<EventInfo, kEventKinds>& event_infos();

[[nodiscard]] EventId close_event(CloseOpts o);
[[nodiscard]] EventId event_of(EventKind k);  // k != close
[[nodiscard]] EventKind kind_of(EventId e);
[[nodiscard]] CloseOpts close_opts_of(EventId e);  // precondition: kind_of(e) == close
// What a shutdown() call (source shutdown_call) finds ahead of its FIN, in close() variant terms: only
// window_closed and unacked are set.
[[nodiscard]] CloseOpts shutdown_opts(EventKind k);
// e.g. "close(SO_LINGER=off, TCP_LINGER2=0 (sysctl))", "retransmit timer fires"
[[nodiscard]] std::string event_name(EventId e);
[[nodiscard]] std::string kind_label(EventKind k);  // "close()" for every close variant, else as event_name
[[nodiscard]] std::string_view linger_name(Linger l);
[[nodiscard]] std::string_view linger2_name(Linger2 l);
[[nodiscard]] std::string_view fairness_name(Fairness f);
[[nodiscard]] std::string_view timing_name(Timing t);
[[nodiscard]] std::string_view source_name(Source s);

[[nodiscard]] inline Fairness fairness_of(EventKind k) { return info(k).fairness; }
[[nodiscard]] inline Timing timing_of(EventKind k) { return info(k).timing; }
[[nodiscard]] inline Stimulus stimulus_of(EventKind k) { return info(k).stimulus; }
// The events only a run with a listener fires: on the listener, its queued children and its request sockets.
[[nodiscard]] bool is_listener_event(EventKind k);

}  // namespace orphancheck::model
