#include "orphancheck/model/row_effects.hpp"

#include "orphancheck/model/slot_role.hpp"
#include "orphancheck/model/socket_table.hpp"

namespace orphancheck::model {

const std::vector<SysctlConfig>& row_coverage_configs() {
    // The third lets tcp_send_fin's allocation fail (O7), the fourth sends loss probes; the last one is the
    // linux-5.15 profile: tcp_abort leaves orphans and refuses buckets.
    static const std::vector<SysctlConfig> configs = {{60, 1, 1, 1, false},
                                                      {120, 0, 2, 0, false},
                                                      {30, 3, 0, 2, true, KernelOptions{}, 15, 0, true},
                                                      {60, 1, 1, 1, false, KernelOptions{}, 15, 0, false, true},
                                                      {60, 1, 1, 1, false, {false, false, false}}};
    return configs;
}

bool row_has_effect(RowId row, Effect effect) {
    static const std::vector<std::uint32_t> masks = [] {
        std::vector<std::uint32_t> m(kRows, 0);
        for (const SysctlConfig& cfg : row_coverage_configs()) {
            const auto t = SocketTable::extract(cfg, {}, kOtherRoles);
            for (std::uint16_t i = 0; i < t.size(); ++i)
                for (int ev = 0; ev < kEvents; ++ev)
                    for (int g = 0; g < kGuardInputCombos; ++g) {
                        const auto& e = t.at(i, EventId(ev), GuardInputs::from_index(g));
                        if (e.next == SocketTable::kDisabled) continue;
                        for (Effect f : e.effects) m[std::size_t(e.row)] |= 1u << int(f);
                    }
        }
        return m;
    }();
    static_assert(kEffects <= 32, "one bit per effect");
    return (masks[std::size_t(row)] >> int(effect)) & 1u;
}

}  // namespace orphancheck::model
