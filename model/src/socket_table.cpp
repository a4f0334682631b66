#include "orphancheck/model/socket_table.hpp"

#include <array>
#include <bitset>
#include <deque>
#include <stdexcept>

namespace orphancheck::model {

std::uint16_t SocketTable::index_of(const LocalKey& k) const {
    const auto it = index_.find(k.pack());
    return it == index_.end() ? kDisabled : it->second;
}

namespace {
// The event kinds some row of the machine's table takes from each state. Where none does, the machine has
// nothing to do (MSM's dispatch finds no row): the extraction asks it only where a row could fire. The tests
// compare the extracted table with the machine under every local, event and guard input.
const std::array<std::bitset<kEventKinds>, kTcpStates>& kinds_leaving() {
    static const auto leaving = [] {
        std::array<std::bitset<kEventKinds>, kTcpStates> m{};
        for (const RowDescription& r : describe_table())
            for (int k = 0; k < kEventKinds; ++k)
                if (dispatched_as(EventKind(k)) == r.event) m[std::size_t(r.source)].set(std::size_t(k));
        return m;
    }();
    return leaving;
}
}  // namespace

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
        const auto& leaving = kinds_leaving()[std::size_t(from.state)];
        for (int ev = 0; ev < kEvents; ++ev) {
            // (a patch's added rows may leave from anywhere)
            if (patch.rows.empty() && !leaving.test(std::size_t(kind_of(EventId(ev))))) continue;
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
