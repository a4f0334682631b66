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
    resend_handshake,  // our SYN or SYN-ACK sent again: the other side answers (its SYN-ACK or ACK), or an RST if gone
};
inline constexpr int kEffects = 12;

// Why an effect only labels rows, or "" for the effects the explorer acts on (counter, ghost state, peer).
// A patch may not add or drop a label-only effect: the checker would explore exactly the same thing.
[[nodiscard]] constexpr std::string_view effect_label_only_reason(Effect e) {
    switch (e) {
        case Effect::orphan_inc:
        case Effect::orphan_dec:
        case Effect::destroy:
        case Effect::send_fin:
        case Effect::send_rst:
        case Effect::send_probe:
        case Effect::resend_handshake: return "";
        case Effect::send_ack:
            return "the peer model does not wait for our ACKs (its moves do not depend on them); edit the row's "
                   "target or remove the row instead";
        case Effect::tw_alloc:
            return "the timewait bucket follows from the row's target state (TIME_WAIT/FIN_WAIT2 substates); "
                   "retarget the row instead";
        case Effect::tw_overflow:
            return "it only counts TCPTimeWaitOverflow; what the socket does without a bucket is the row's target "
                   "and its other effects";
        case Effect::arm_keepalive:
            return "timers follow from the socket's state here; for a FIN_WAIT2 timer that is never armed, remove "
                   "the keepalive_* rows that fire it";
        case Effect::wake_user:
            return "the linger wait ends through its own rows (linger_wake_*); remove or retarget those instead";
    }
    return "";
}

[[nodiscard]] constexpr bool effect_has_behaviour(Effect e) { return effect_label_only_reason(e).empty(); }

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
    [[nodiscard]] EffectList sorted() const;  // in the order of the enum: for comparing effects as a set
    bool operator==(const EffectList& o) const;
};

}  // namespace orphancheck::model
