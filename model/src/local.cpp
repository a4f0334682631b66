#include "orphancheck/model/local.hpp"

#include <fmt/format.h>

namespace orphancheck::model {

std::uint32_t SockData::pack() const {
    const std::uint32_t flags = (dead ? 1u : 0u) | (lingering ? 2u : 0u) | (owned ? 4u : 0u) | (tail ? 8u : 0u) |
                                (fin_long ? 16u : 0u) | (l2neg ? 32u : 0u) | (purged ? 64u : 0u) |
                                (window_wait ? 128u : 0u) | (fin_unqueued ? 256u : 0u) | (data_ahead ? 512u : 0u) |
                                (tlp_sent ? 1024u : 0u);
    static_assert(kFlagBits == 11, "one bit per flag above");
    const std::uint32_t child = (queued ? 1u : 0u) | (forced ? 2u : 0u);
    static_assert(kChildFlagBits == 2, "one bit per child flag above");
    return flags | (std::uint32_t(retries) << kFlagBits) | (std::uint32_t(backoff) << (kFlagBits + kRetriesBits)) |
           (child << (kFlagBits + kRetriesBits + kBackoffBits));
}

SockData SockData::unpack(std::uint32_t b) {
    SockData d;
    d.dead = b & 1u;
    d.lingering = b & 2u;
    d.owned = b & 4u;
    d.tail = b & 8u;
    d.fin_long = b & 16u;
    d.l2neg = b & 32u;
    d.purged = b & 64u;
    d.window_wait = b & 128u;
    d.fin_unqueued = b & 256u;
    d.data_ahead = b & 512u;
    d.tlp_sent = b & 1024u;
    d.retries = std::uint8_t((b >> kFlagBits) & ((1u << kRetriesBits) - 1));
    d.backoff = std::uint8_t((b >> (kFlagBits + kRetriesBits)) & ((1u << kBackoffBits) - 1));
    const std::uint32_t child = b >> (kFlagBits + kRetriesBits + kBackoffBits);
    d.queued = child & 1u;
    d.forced = child & 2u;
    return d;
}

std::string describe(const LocalKey& k) {
    std::string s(state_name(k.state));
    const SockData& d = k.data;
    if (d.queued) s += " in-accept-queue";
    if (d.forced) s += " forgotten";
    if (d.lingering) s += " lingering";
    if (d.dead && !holds_tw_bucket(k.state) && k.state != TcpState::destroyed) s += " orphan";
    if (d.tail) s += " (close in progress)";
    else if (d.owned) s += " owned";
    if (d.l2neg) s += " linger2<0";
    if (d.fin_long) s += " fin_time>60s";
    if (d.purged) s += " write-queue-purged";
    if (d.window_wait) s += " zero-window";
    if (d.fin_unqueued) s += " no-FIN-queued";
    if (d.data_ahead) s += " data-unacked";
    if (d.tlp_sent) s += " loss-probe-sent";
    if (d.retries)
        s += fmt::format(" {}={}", d.window_wait ? "probes" : k.state == TcpState::new_syn_recv ? "synack-retries" : "retries",
                         d.retries);
    if (d.backoff) s += fmt::format(" backoff={}", d.backoff);
    return s;
}

}  // namespace orphancheck::model
