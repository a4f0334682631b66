#include "orphancheck/model/socket_table.hpp"

#include <deque>
#include <stdexcept>

namespace orphancheck::model {

std::uint16_t SocketTable::index_of(const LocalKey& k) const {
    const auto it = index_.find(k.pack());
    return it == index_.end() ? kDisabled : it->second;
}

SocketTable SocketTable::extract(const SysctlConfig& cfg, const TablePatch& patch, std::span<const SlotRole> roles) {
    SocketTable t;
    t.cfg_ = cfg;
    MsmClosePath msm(cfg);
    auto intern = [&t](const LocalKey& k) {
        const auto [it, fresh] = t.index_.try_emplace(k.pack(), std::uint16_t(t.locals_.size()));
        if (fresh) {
            if (t.locals_.size() >= kDisabled) throw std::runtime_error("too many per-socket locals");
            t.locals_.push_back(k);
            t.entries_.resize(t.locals_.size() * kEvents * kGuardInputCombos);
        }
        return it->second;
    };
    std::deque<std::uint16_t> todo{intern(msm.initial())};
    for (SlotRole r : roles) {
        const std::size_t before = t.locals_.size();
        const std::uint16_t i = intern(initial_local(r));
        if (t.locals_.size() != before) todo.push_back(i);
    }
    std::size_t stalled = 0;  // locals deferred in a row because their state has no prototype yet
    while (!todo.empty()) {
        const std::uint16_t i = todo.front();
        todo.pop_front();
        const LocalKey from = t.locals_[i];
        if (!msm.can_materialise(from.state)) {
            if (++stalled > todo.size())
                throw PatchError("the patch retargets into " + std::string(state_name(from.state)) +
                                 ", a state the MSM machine never enters in this configuration");
            todo.push_back(i);
            continue;
        }
        stalled = 0;
        for (int ev = 0; ev < kEvents; ++ev) {
            for (int g = 0; g < kGuardInputCombos; ++g) {
                const GuardInputs in = GuardInputs::from_index(g);
                const StepResult r = patched_step(msm, patch, from, EventId(ev), in);
                if (!r.enabled) continue;
                const std::size_t before = t.locals_.size();
                const std::uint16_t next = intern(r.next);
                if (t.locals_.size() != before) todo.push_back(next);
                Entry& e = t.entries_[(std::size_t(i) * kEvents + std::size_t(ev)) * kGuardInputCombos + std::size_t(g)];
                e = Entry{next, r.row, r.effects};
            }
        }
    }
    return t;
}

}  // namespace orphancheck::model
