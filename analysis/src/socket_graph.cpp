#include "orphancheck/analysis/socket_graph.hpp"

#include <algorithm>
#include <set>
#include <tuple>

namespace orphancheck::analysis {

SocketGraph socket_graph(const checker::CaseConfig& c, int sockets, std::span<const checker::EnvEvent> never,
                         std::span<const model::RowId> ruled_out, const model::TablePatch& patch) {
    checker::SocketSpace space(c, checker::Engine::table, patch);
    space.complete(sockets);
    const std::vector<int> gins = space.guard_inputs(sockets);
    const auto excluded = [&](const checker::SockMove& m) {
        return std::any_of(never.begin(), never.end(), [&](checker::EnvEvent e) { return m.label == checker::env_label(e); }) ||
               std::any_of(ruled_out.begin(), ruled_out.end(), [&](model::RowId r) { return m.row1 == r || m.row2 == r; });
    };
    SocketGraph g;
    g.out.resize(space.size());
    for (std::size_t i = 0; i < space.size(); ++i) {
        const auto ci = checker::Combo(i);
        g.views.push_back(space.view(ci));
        g.locals.push_back(space.local(ci));
        std::set<std::tuple<checker::Combo, checker::Label, model::RowId, model::RowId>> seen;
        for (int gin : gins)
            for (const checker::SockMove& m : space.moves(ci, gin))
                if (!excluded(m) && seen.insert({m.next, m.label, m.row1, m.row2}).second)
                    g.out[i].push_back({m.next, m.label, m.row1, m.row2});
    }
    return g;
}

}  // namespace orphancheck::analysis
