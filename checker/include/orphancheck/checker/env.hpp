// The peer and the network of one socket: which segments are in flight in
// each direction, what the peer has seen and done, and the ghost variables
// the properties read. All in 16 bits.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "orphancheck/model/effects.hpp"
#include "orphancheck/model/local.hpp"
#include "orphancheck/model/tcp_state.hpp"
#include "orphancheck/properties/socket_view.hpp"

namespace orphancheck::checker {

namespace env {
inline constexpr std::uint16_t fin_out = 1 << 0;        // our FIN in flight to the peer
inline constexpr std::uint16_t peer_got_fin = 1 << 1;   // the peer has received our FIN
inline constexpr std::uint16_t peer_fin_sent = 1 << 2;  // the peer has closed its side
inline constexpr std::uint16_t peer_gone = 1 << 3;      // the peer has no socket any more (RST)
inline constexpr std::uint16_t ack_in = 1 << 4;         // peer ACK of our FIN in flight
inline constexpr std::uint16_t fin_in = 1 << 5;         // peer FIN in flight
inline constexpr std::uint16_t fin_acks = 1 << 6;       // ... and it acks our FIN
inline constexpr std::uint16_t data_in = 1 << 7;        // peer data in flight
inline constexpr std::uint16_t rst_in = 1 << 8;         // peer RST in flight
// ghost variables
inline constexpr int inc_shift = 9;                     // 2 bits: orphan increments, saturating at 3
inline constexpr int dec_shift = 11;                    // 2 bits: orphan decrements, saturating at 3
inline constexpr std::uint16_t destroyed = 1 << 13;     // inet_csk_destroy_sock ran
inline constexpr std::uint16_t ghost_mask = std::uint16_t(0xf << inc_shift) | destroyed;

[[nodiscard]] inline int incs(std::uint16_t e) { return (e >> inc_shift) & 3; }
[[nodiscard]] inline int decs(std::uint16_t e) { return (e >> dec_shift) & 3; }
}  // namespace env

enum class EnvEvent : std::uint8_t {
    fin_to_peer,       // our FIN reaches the peer: it ACKs (or answers RST if it is gone)
    drop_fin_to_peer,  // our FIN is lost
    deliver_ack,
    drop_ack,
    deliver_fin,  // FIN that acks our FIN is processed as rx-ack then rx-fin
    drop_fin,
    deliver_data,  // (not lost: the peer retransmits data until it is acked or it aborts)
    deliver_rst,
    drop_rst,
    peer_close,
    peer_resend_fin,
    peer_send_data,
    peer_send_rst,
    peer_vanishes,  // the peer's socket is gone without a word (its LAST_ACK timed out, TIME_WAIT ended)
};
inline constexpr int kEnvEvents = 14;

[[nodiscard]] std::string_view env_event_name(EnvEvent e);
[[nodiscard]] std::string describe_env(std::uint16_t e);  // in-flight segments and peer state

// Applies a kernel step's effects to the environment and ghost variables;
// returns the orphan-counter delta.
int apply_effects(const model::EffectList& fx, std::uint16_t& env_bits);
// What the properties see of one socket: its local state and the ghost bits of its environment.
[[nodiscard]] properties::SocketView socket_view(const model::LocalKey& local, std::uint16_t env_bits);

// Clears what can no longer matter in local state `s`, so equal situations are equal.
[[nodiscard]] std::uint16_t canonical_env(model::TcpState s, std::uint16_t env_bits);

}  // namespace orphancheck::checker
