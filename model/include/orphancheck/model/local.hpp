// A "local" is one socket's machine configuration: its TCP state plus the
// few data bits the close path reads. Packed into 32 bits so tables and the
// explorer can key on it.
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
    std::uint8_t retries = 0;  // RTO retransmissions of our FIN (icsk_retransmits)

    [[nodiscard]] std::uint16_t pack() const;
    static SockData unpack(std::uint16_t bits);
    bool operator==(const SockData&) const = default;
};

struct LocalKey {
    TcpState state = TcpState::established;
    SockData data{};
    [[nodiscard]] std::uint32_t pack() const { return (std::uint32_t(state) << 16) | data.pack(); }
    static LocalKey unpack(std::uint32_t k) {
        return {TcpState(k >> 16), SockData::unpack(std::uint16_t(k & 0xffff))};
    }
    bool operator==(const LocalKey&) const = default;
};

[[nodiscard]] std::string describe(const LocalKey& k);  // "FIN_WAIT1 orphan retries=1"

}  // namespace orphancheck::model
