// The per-socket transition table extracted from the MSM machine: every
// MSM-reachable local x event x guard inputs -> next local, effects, row.
// The explorer's default engine runs on this table.
#pragma once

#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "orphancheck/model/close_path.hpp"
#include "orphancheck/model/table_patch.hpp"

namespace orphancheck::model {

class SocketTable {
public:
    static constexpr std::uint16_t kDisabled = 0xffff;
    struct Entry {
        std::uint16_t next = kDisabled;  // local index, or kDisabled
        RowId row = RowId::none;
        EffectList effects{};
    };

    // Closure over MSM-reachable locals from the initial one (local 0, an open connection) and the first
    // configurations of `roles` (a listener, its children and requests), under every event and guard-input
    // combination. Throws std::runtime_error if a patch retargets into a state MSM never entered (it cannot
    // be materialised).
    static SocketTable extract(const SysctlConfig& cfg, const TablePatch& patch = {},
                               std::span<const SlotRole> roles = {});

    [[nodiscard]] std::size_t size() const { return locals_.size(); }
    [[nodiscard]] const LocalKey& local(std::uint16_t i) const { return locals_[i]; }
    [[nodiscard]] std::uint16_t index_of(const LocalKey& k) const;  // kDisabled if unknown
    [[nodiscard]] const Entry& at(std::uint16_t local, EventId ev, GuardInputs in) const {
        return entries_[(std::size_t(local) * kEvents + ev) * kGuardInputCombos + std::size_t(in.index())];
    }
    [[nodiscard]] const SysctlConfig& config() const { return cfg_; }

private:
    SysctlConfig cfg_;
    std::vector<LocalKey> locals_;
    std::unordered_map<std::uint32_t, std::uint16_t> index_;
    std::vector<Entry> entries_;
};

}  // namespace orphancheck::model
