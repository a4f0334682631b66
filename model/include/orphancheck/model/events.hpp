// Events a single socket's close-path machine reacts to. Every event the
// explorer can fire on a socket is one EventId: the close() variants are
// flattened (SO_LINGER x TCP_LINGER2 x unread data) so that a table column is
// a plain index.
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
    bool unread = false;  // unread bytes in the receive queue at close()
    bool operator==(const CloseOpts&) const = default;
};

enum class EventKind : std::uint8_t {
    close,             // close(): __tcp_close up to sock_orphan
    linger_wake,       // SO_LINGER wait ends (state change, timeout or signal)
    close_tail,        // rest of __tcp_close after the backlog: orphan++, FIN_WAIT2, OOM, destroy
    release_sock,      // tcp_close's release_sock: the socket is no longer owned
    rx_ack,            // peer ACK covering our FIN
    rx_fin_ack,        // the same ACK carried by the peer's FIN segment (th->fin): rx_fin follows
    rx_fin,            // peer FIN in order
    rx_data,           // new payload from the peer
    rx_rst,            // acceptable RST from the peer
    rto_expire,        // retransmit timer, retry budget not spent: retransmit the FIN
    rto_timed_out,     // retransmit timer, retry budget spent
    keepalive_expire,  // keepalive timer of a FIN_WAIT2 orphan
    tw_expire,         // timewait bucket timer
    abort,             // tcp_abort: ss -K / SOCK_DESTROY / bpf_sock_destroy (an administrator's action)
    rx_fin_old_ack,    // peer FIN whose ACK is older than our acked FIN (sent before the peer saw it)
};
inline constexpr int kEventKinds = 15;
inline constexpr int kCloseVariants = 3 * 4 * 2;
inline constexpr int kEvents = (kEventKinds - 1) + kCloseVariants;

using EventId = std::uint8_t;  // 0..kCloseVariants-1: close variants; then the other kinds

[[nodiscard]] EventId close_event(CloseOpts o);
[[nodiscard]] EventId event_of(EventKind k);  // k != close
[[nodiscard]] EventKind kind_of(EventId e);
[[nodiscard]] CloseOpts close_opts_of(EventId e);  // precondition: kind_of(e) == close
[[nodiscard]] std::string event_name(EventId e);
[[nodiscard]] std::string kind_label(EventKind k);  // "close()" for every close variant, else as event_name   // e.g. "close(SO_LINGER=off, TCP_LINGER2=0 (sysctl))"
[[nodiscard]] std::string_view linger_name(Linger l);
[[nodiscard]] std::string_view linger2_name(Linger2 l);

// Weak-fairness classes: a class continuously enabled on a socket must eventually fire.
enum class Fairness : std::uint8_t { none, app, rto, keepalive, tw };
inline constexpr int kFairClasses = 4;  // app, rto, keepalive, tw
[[nodiscard]] Fairness fairness_of(EventKind k);

}  // namespace orphancheck::model
