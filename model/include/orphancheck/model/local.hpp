// A "local" is one socket's machine configuration: its TCP state plus the
// few data bits the close path reads. Packed into 32 bits so tables and the
// explorer can key on it; the layout is derived from the field widths below.
#pragma once

#include <cstdint>
#include <string>

#include "orphancheck/model/tcp_state.hpp"

namespace orphancheck::model {

struct SockData {
    bool dead = false;       // SOCK_DEAD: sock_orphan() ran
    bool lingering = false;  // close() blocked in the SO_LINGER wait
    bool owned = false;      // close() still owns the socket (segments go to the backlog)
    bool tail = false;       // between sock_orphan() and the orphan increment of __tcp_close
    bool fin_long = false;   // tcp_fin_time() > TCP_TIMEWAIT_LEN
    bool l2neg = false;      // TCP_LINGER2 < 0
    bool purged = false;     // write queue purged by tcp_abort: nothing left to retransmit
    bool window_wait = false;  // our data and FIN wait behind the peer's zero window: the probe timer runs
    bool fin_unqueued = false;  // tcp_send_fin could not allocate the FIN: nothing queued, no timer (O7)
    bool data_ahead = false;    // our FIN went out behind data the peer has not acked yet (--send-queue unacked)
    bool tlp_sent = false;      // the tail-loss probe resent our FIN; the RTO timer runs from it (--loss-probe yes)
    // A child of a listener (--listener yes):
    bool queued = false;  // in the listener's accept queue: no file, never accept()ed
    bool forced = false;  // forgotten by inet_csk_listen_stop: counted, inet_child_forget destroys it next
    // RTO retransmissions of our FIN (icsk_retransmits); while window_wait, the unanswered
    // zero-window probes instead (icsk_probes_out: no segment of ours is in flight then); for a request
    // socket, its SYN-ACK retransmissions (num_timeout).
    std::uint8_t retries = 0;
    std::uint8_t backoff = 0;  // zero-window probes sent (icsk_backoff), never above tcp_retries2

    static constexpr int kFlagBits = 11;
    static constexpr int kRetriesBits = 8;
    static constexpr int kBackoffBits = 4;
    static constexpr int kChildFlagBits = 2;  // queued, forced: after backoff, so older locals keep their order
    static constexpr int kBits = kFlagBits + kRetriesBits + kBackoffBits + kChildFlagBits;
    static constexpr int kMaxBackoff = (1 << kBackoffBits) - 1;  // so tcp_retries2 is at most 15 here

    [[nodiscard]] std::uint32_t pack() const;
    static SockData unpack(std::uint32_t bits);
    bool operator==(const SockData&) const = default;
};

struct LocalKey {
    static constexpr int kStateShift = 26;
    static_assert(SockData::kBits <= kStateShift, "socket data overlaps the state in a packed local");
    static_assert(kTcpStates <= (1 << (32 - kStateShift)), "TCP states do not fit a packed local");

    TcpState state = TcpState::established;
    SockData data{};
    [[nodiscard]] std::uint32_t pack() const { return (std::uint32_t(state) << kStateShift) | data.pack(); }
    static LocalKey unpack(std::uint32_t k) {
        return {TcpState(k >> kStateShift), SockData::unpack(k & ((1u << kStateShift) - 1))};
    }
    bool operator==(const LocalKey&) const = default;
};

[[nodiscard]] std::string describe(const LocalKey& k);  // "FIN_WAIT1 orphan retries=1"

}  // namespace orphancheck::model
