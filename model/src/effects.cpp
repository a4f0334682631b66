#include "orphancheck/model/effects.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace orphancheck::model {
namespace {
constexpr std::array<std::string_view, kEffects> kNames = {
    "orphan_inc", "orphan_dec", "destroy", "send_fin", "send_rst",
    "send_ack", "tw_alloc", "tw_overflow", "arm_keepalive", "wake_user", "send_probe", "resend_handshake"};
}

std::string_view effect_name(Effect e) { return kNames[std::size_t(e)]; }

std::optional<Effect> effect_from_name(std::string_view s) {
    for (std::size_t i = 0; i < kNames.size(); ++i)
        if (kNames[i] == s) return Effect(i);
    return std::nullopt;
}

void EffectList::push(Effect e) {
    if (size == items.size()) throw std::length_error("too many effects on one row");
    items[size++] = e;
}

bool EffectList::remove(Effect e) {
    const auto* new_end = std::remove(items.data(), items.data() + size, e);
    const bool removed = new_end != items.data() + size;
    size = std::uint8_t(new_end - items.data());
    return removed;
}

int EffectList::count(Effect e) const { return int(std::count(begin(), end(), e)); }

std::string EffectList::str() const {
    std::string s;
    for (Effect e : *this) {
        if (!s.empty()) s += ", ";
        s += effect_name(e);
    }
    return s;
}

EffectList EffectList::sorted() const {
    EffectList s = *this;
    std::sort(s.items.data(), s.items.data() + s.size);
    return s;
}

bool EffectList::operator==(const EffectList& o) const { return std::equal(begin(), end(), o.begin(), o.end()); }

}  // namespace orphancheck::model
