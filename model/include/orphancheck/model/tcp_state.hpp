// The states one socket passes through on the close path, as the kernel
// names them, plus the timewait-bucket stages and the final "destroyed".
#pragma once

#include <cstdint>
#include <string_view>

namespace orphancheck::model {

enum class TcpState : std::uint8_t {
    established,   // TCP_ESTABLISHED
    close_wait,    // TCP_CLOSE_WAIT
    fin_wait1,     // TCP_FIN_WAIT1
    fin_wait2,     // TCP_FIN_WAIT2 (full socket)
    closing,       // TCP_CLOSING
    last_ack,      // TCP_LAST_ACK
    closed,        // TCP_CLOSE, full socket not yet destroyed
    closed_tw,     // TCP_CLOSE full socket (not yet orphaned) plus a TIME_WAIT bucket
    tw_fin_wait2,  // full socket destroyed, timewait bucket in substate FIN_WAIT2
    tw_time_wait,  // full socket destroyed, timewait bucket in substate TIME_WAIT
    destroyed,     // full socket destroyed, no bucket
    // A connection not yet established (--connecting N):
    syn_sent,      // TCP_SYN_SENT: connect() sent our SYN
    // A listener and its connections not yet accepted (--listener yes):
    listen,        // TCP_LISTEN
    listen_stop,   // TCP_CLOSE while close() runs inet_csk_listen_stop (the kernel reports CLOSE)
    new_syn_recv,  // TCP_NEW_SYN_RECV: a request socket waiting for the final ACK of the handshake
};
inline constexpr int kTcpStates = 15;

[[nodiscard]] std::string_view state_name(TcpState s);
[[nodiscard]] bool holds_tw_bucket(TcpState s);
// FIN_WAIT1, FIN_WAIT2, CLOSING, LAST_ACK: the states a counted orphan lives in.
[[nodiscard]] bool is_orphan_state(TcpState s);
// SYN_SENT, LISTEN, CLOSE(listen_stop), NEW_SYN_RECV: the states only a run with connecting sockets or a listener
// has (the last in the enum).
[[nodiscard]] constexpr bool is_handshake_state(TcpState s) { return s >= TcpState::syn_sent; }

}  // namespace orphancheck::model
