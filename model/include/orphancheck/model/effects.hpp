// Effects a close-path row has on the world outside the socket's own
// machine: the orphan counter, the peer, timers, the timewait pool. The
// explorer applies the first five; the rest label rows for people.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace orphancheck::model {

enum class Effect : std::uint8_t {
    orphan_inc,     // this_cpu_inc(tcp_orphan_count)
    orphan_dec,     // the decrement inside inet_csk_destroy_sock
    destroy,        // inet_csk_destroy_sock: the full socket is freed
    send_fin,       // a FIN is (re)transmitted
    send_rst,       // an RST is sent to the peer
    send_ack,
    tw_alloc,       // inet_twsk_alloc succeeded: timewait bucket takes over
    tw_overflow,    // no bucket (tcp_max_tw_buckets): TCPTimeWaitOverflow
    arm_keepalive,  // FIN_WAIT2 timer (keepalive timer) armed
    wake_user,      // sk_state_change: wakes a lingering close()
    send_probe,     // a zero-window probe is sent (the peer answers with an ACK carrying its window)
};
inline constexpr int kEffects = 11;

// The effects the explorer acts on (counter, ghost state, peer); the others only label rows.
[[nodiscard]] constexpr bool effect_has_behaviour(Effect e) {
    return e == Effect::orphan_inc || e == Effect::orphan_dec || e == Effect::destroy || e == Effect::send_fin ||
           e == Effect::send_rst || e == Effect::send_probe;
}

[[nodiscard]] std::string_view effect_name(Effect e);
[[nodiscard]] std::optional<Effect> effect_from_name(std::string_view s);

struct EffectList {
    std::array<Effect, 8> items{};
    std::uint8_t size = 0;
    void push(Effect e);  // throws std::length_error past capacity
    bool remove(Effect e);  // removes every occurrence; true if any
    [[nodiscard]] int count(Effect e) const;
    [[nodiscard]] const Effect* begin() const { return items.data(); }
    [[nodiscard]] const Effect* end() const { return items.data() + size; }
    [[nodiscard]] std::string str() const;  // "orphan_inc, destroy"
    bool operator==(const EffectList& o) const;
};

}  // namespace orphancheck::model
