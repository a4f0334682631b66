#include "orphancheck/model/local.hpp"

#include <fmt/format.h>

namespace orphancheck::model {

std::uint16_t SockData::pack() const {
    return std::uint16_t((dead ? 1u : 0u) | (lingering ? 2u : 0u) | (owned ? 4u : 0u) | (tail ? 8u : 0u) |
                         (fin_long ? 16u : 0u) | (l2neg ? 32u : 0u) | (purged ? 64u : 0u) | (unsigned(retries) << 8));
}

SockData SockData::unpack(std::uint16_t b) {
    SockData d;
    d.dead = b & 1u;
    d.lingering = b & 2u;
    d.owned = b & 4u;
    d.tail = b & 8u;
    d.fin_long = b & 16u;
    d.l2neg = b & 32u;
    d.purged = b & 64u;
    d.retries = std::uint8_t(b >> 8);
    return d;
}

std::string describe(const LocalKey& k) {
    std::string s(state_name(k.state));
    const SockData& d = k.data;
    if (d.lingering) s += " lingering";
    if (d.dead && !holds_tw_bucket(k.state) && k.state != TcpState::destroyed) s += " orphan";
    if (d.tail) s += " (close in progress)";
    else if (d.owned) s += " owned";
    if (d.l2neg) s += " linger2<0";
    if (d.fin_long) s += " fin_time>60s";
    if (d.purged) s += " write-queue-purged";
    if (d.retries) s += fmt::format(" retries={}", d.retries);
    return s;
}

}  // namespace orphancheck::model
