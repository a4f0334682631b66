#include "orphancheck/analysis/socket_graph.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace orphancheck::analysis {

SocketGraph socket_graph(const checker::CaseConfig& c, int sockets, std::span<const checker::EnvEvent> never,
                         std::span<const model::RowId> ruled_out, const model::TablePatch& patch,
                         std::span<const model::SlotRole> roles) {
    checker::SocketSpace space(c, checker::Engine::table, patch, roles);
    space.complete(sockets);
    const std::vector<int> gins = space.guard_inputs(sockets);
    const auto excluded = [&](const checker::SockMove& m) {
        return std::any_of(never.begin(), never.end(), [&](checker::EnvEvent e) { return m.label == checker::env_label(e); }) ||
               std::any_of(ruled_out.begin(), ruled_out.end(), [&](model::RowId r) { return m.row1 == r || m.row2 == r; });
    };
    SocketGraph g;
    g.out.resize(space.size());
    for (model::SlotRole r : roles) g.initial[std::size_t(r)] = space.initial(r);
    for (std::size_t i = 0; i < space.size(); ++i) {
        const auto ci = checker::Combo(i);
        g.views.push_back(space.view(ci));
        g.locals.push_back(space.local(ci));
        // One edge per (next, label, rows), with the listener phases it exists under.
        std::map<std::tuple<checker::Combo, checker::Label, model::RowId, model::RowId>, std::size_t> seen;
        for (int gin : gins) {
            const auto phase_bit = std::uint8_t(1u << int(checker::phase_of(gin)));
            for (const checker::SockMove& m : space.moves(ci, gin)) {
                if (excluded(m)) continue;
                const auto [it, fresh] = seen.try_emplace({m.next, m.label, m.row1, m.row2}, g.out[i].size());
                if (fresh)
                    g.out[i].push_back({m.next, m.label, m.row1, m.row2, phase_bit});
                else
                    g.out[i][it->second].phases |= phase_bit;
            }
        }
    }
    return g;
}

}  // namespace orphancheck::analysis
