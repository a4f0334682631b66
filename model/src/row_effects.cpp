#include "orphancheck/model/row_effects.hpp"

#include <vector>

#include "orphancheck/model/socket_table.hpp"

namespace orphancheck::model {

bool row_has_effect(RowId row, Effect effect) {
    static const std::vector<std::uint32_t> masks = [] {
        std::vector<std::uint32_t> m(kRows, 0);
        for (const SysctlConfig& cfg : {SysctlConfig{60, 1, 1, 1, false}, SysctlConfig{120, 0, 2, 0, false},
                                        SysctlConfig{30, 3, 0, 2, true, KernelOptions{}, 15, 0, true}}) {
            const auto t = SocketTable::extract(cfg);
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
    return (masks[std::size_t(row)] >> int(effect)) & 1u;
}

}  // namespace orphancheck::model
