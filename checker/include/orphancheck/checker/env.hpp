// The peer and the network of one socket: which segments are in flight in
// each direction, what the peer has seen and done, and the ghost variables
// the properties read. All in 16 bits, laid out from the bit list below.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "orphancheck/model/effects.hpp"
#include "orphancheck/model/events.hpp"
#include "orphancheck/model/local.hpp"
#include "orphancheck/model/slot_role.hpp"
#include "orphancheck/model/tcp_state.hpp"
#include "orphancheck/properties/socket_view.hpp"

namespace orphancheck::checker {

namespace env {
enum Bit : int {
    fin_out_bit,        // our FIN in flight to the peer
    peer_got_fin_bit,   // the peer has received our FIN
    peer_fin_sent_bit,  // the peer has closed its side
    peer_gone_bit,      // the peer has no socket any more (RST)
    ack_in_bit,         // peer ACK in flight: of our FIN, or (peer_got_fin clear) of the data ahead of it
    fin_in_bit,         // peer FIN in flight
    fin_acks_bit,       // ... and it acks our FIN
    data_in_bit,        // peer data in flight
    rst_in_bit,         // peer RST in flight
    inc_bit0,           // ghost: orphan increments, 2 bits saturating at 3
    inc_bit1,
    dec_bit0,           // ghost: orphan decrements, 2 bits saturating at 3
    dec_bit1,
    destroyed_bit,      // ghost: inet_csk_destroy_sock ran
    wnd_ack_in_bit,     // a peer ACK carrying its window in flight (a probe's answer or a window update)
    peer_reading_bit,   // the peer reads again: its window is open
    kBits
};
static_assert(kBits <= 16, "the environment of a socket is 16 bits (SocketSpace keys on local << 16 | env)");

inline constexpr std::uint16_t fin_out = 1 << fin_out_bit;
inline constexpr std::uint16_t peer_got_fin = 1 << peer_got_fin_bit;
inline constexpr std::uint16_t peer_fin_sent = 1 << peer_fin_sent_bit;
inline constexpr std::uint16_t peer_gone = 1 << peer_gone_bit;
inline constexpr std::uint16_t ack_in = 1 << ack_in_bit;
inline constexpr std::uint16_t fin_in = 1 << fin_in_bit;
inline constexpr std::uint16_t fin_acks = 1 << fin_acks_bit;
inline constexpr std::uint16_t data_in = 1 << data_in_bit;
inline constexpr std::uint16_t rst_in = 1 << rst_in_bit;
inline constexpr int inc_shift = inc_bit0;
inline constexpr int dec_shift = dec_bit0;
inline constexpr std::uint16_t destroyed = 1 << destroyed_bit;
inline constexpr std::uint16_t wnd_ack_in = 1 << wnd_ack_in_bit;
inline constexpr std::uint16_t peer_reading = 1 << peer_reading_bit;
inline constexpr std::uint16_t ghost_mask = std::uint16_t(0xf << inc_shift) | destroyed;
static_assert(inc_bit1 == inc_bit0 + 1 && dec_bit1 == dec_bit0 + 1, "the ghost counters are 2 bits each");

[[nodiscard]] inline int incs(std::uint16_t e) { return (e >> inc_shift) & 3; }
[[nodiscard]] inline int decs(std::uint16_t e) { return (e >> dec_shift) & 3; }
}  // namespace env

// X(id, timing, text): timing is how the timed reading bounds it (a segment crossing the network is
// instant, a choice of the peer may come at any time).
#define ORPHANCHECK_ENV_EVENTS(X)                                                                       \
    X(fin_to_peer, instant, "our FIN reaches the peer")         /* it ACKs, or answers RST if gone */  \
    X(drop_fin_to_peer, instant, "our FIN is lost")                                                    \
    X(deliver_ack, instant, "peer ACK arrives")                                                        \
    X(drop_ack, instant, "peer ACK is lost")                                                           \
    X(deliver_fin, instant, "peer FIN arrives")  /* a FIN that acks ours is rx-ack then rx-fin */      \
    X(drop_fin, instant, "peer FIN is lost")                                                           \
    X(deliver_data, instant, "peer data arrives")  /* never lost: the peer retransmits it */           \
    X(deliver_rst, instant, "peer RST arrives")                                                        \
    X(drop_rst, instant, "peer RST is lost")                                                           \
    X(peer_close, anytime, "peer closes (FIN)")                                                        \
    X(peer_resend_fin, anytime, "peer retransmits FIN")                                                \
    X(peer_send_data, anytime, "peer sends data")                                                      \
    X(peer_send_rst, anytime, "peer aborts (RST)")                                                     \
    X(peer_vanishes, anytime, "peer socket vanishes")  /* its LAST_ACK timed out, TIME_WAIT ended */   \
    X(deliver_window_ack, instant, "peer window ACK arrives")                                          \
    X(drop_window_ack, instant, "probe or its answer is lost")  /* or rate-limited by the peer */      \
    X(peer_reads, anytime, "peer reads again (window opens)")                                          \
    X(fin_lost_behind_data, instant, "our data reaches the peer, the FIN behind it is lost") /* it ACKs the data */

enum class EnvEvent : std::uint8_t {
#define ORPHANCHECK_ENV_ENUM(id, timing, text) id,
    ORPHANCHECK_ENV_EVENTS(ORPHANCHECK_ENV_ENUM)
#undef ORPHANCHECK_ENV_ENUM
};
#define ORPHANCHECK_ENV_COUNT(...) +1
inline constexpr int kEnvEvents = 0 ORPHANCHECK_ENV_EVENTS(ORPHANCHECK_ENV_COUNT);
#undef ORPHANCHECK_ENV_COUNT
static_assert(model::kEvents + kEnvEvents <= 256, "a move label is one byte");

[[nodiscard]] std::string_view env_event_name(EnvEvent e);
[[nodiscard]] model::Timing env_event_timing(EnvEvent e);  // instant or anytime
[[nodiscard]] std::string describe_env(std::uint16_t e);  // in-flight segments and peer state

// Applies a kernel step's effects to the environment and ghost variables;
// returns the orphan-counter delta.
int apply_effects(const model::EffectList& fx, std::uint16_t& env_bits);
// What the properties see of one socket: its local state and the ghost bits of its environment.
[[nodiscard]] properties::SocketView socket_view(const model::LocalKey& local, std::uint16_t env_bits);

// The network of a socket of role `r` when the run starts: for a request socket, the client's final ACK is on its
// way, for a connecting socket the server's SYN-ACK (ack_in; either may be lost); nothing for the others.
[[nodiscard]] std::uint16_t initial_env(model::SlotRole r);

// Clears what can no longer matter in local configuration `k`, so equal situations are equal.
[[nodiscard]] std::uint16_t canonical_env(const model::LocalKey& k, std::uint16_t env_bits);

}  // namespace orphancheck::checker
