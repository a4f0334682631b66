#include "orphancheck/conform/plan.hpp"

#include <algorithm>
#include <optional>
#include <queue>

#include <fmt/format.h>

#include "orphancheck/analysis/socket_graph.hpp"
#include "orphancheck/conform/scenario.hpp"
#include "orphancheck/model/kernel_profile.hpp"

namespace orphancheck::conform {
namespace {
bool fires(const analysis::SocketEdge& e, model::RowId r) { return e.row1 == r || e.row2 == r; }

// The configurations reachable from the initial ones of `roles` (none: an open connection's) (the graph keeps
// those only a ruled-out move reaches).
std::vector<bool> reachable(const analysis::SocketGraph& g, const std::vector<model::SlotRole>& roles) {
    std::vector<bool> seen(g.views.size(), false);
    std::vector<std::size_t> stack{0};
    if (!roles.empty()) stack.clear();
    for (model::SlotRole r : roles) stack.push_back(g.initial[std::size_t(r)]);
    for (std::size_t u : stack) seen[u] = true;
    while (!stack.empty()) {
        const std::size_t u = stack.back();
        stack.pop_back();
        for (const analysis::SocketEdge& e : g.out[u])
            if (!seen[e.to]) seen[e.to] = true, stack.push_back(e.to);
    }
    return seen;
}

// Shortest path from the initial configuration to a move that fires `row`, as event names.
std::optional<std::vector<std::string>> shortest_path(const analysis::SocketGraph& g, model::RowId row) {
    std::vector<int> parent(g.views.size(), -1), via(g.views.size(), -1);
    std::vector<bool> seen(g.views.size(), false);
    std::queue<std::size_t> todo;
    todo.push(0);
    seen[0] = true;
    while (!todo.empty()) {
        const std::size_t u = todo.front();
        todo.pop();
        for (std::size_t k = 0; k < g.out[u].size(); ++k) {
            const analysis::SocketEdge& e = g.out[u][k];
            if (fires(e, row)) {
                std::vector<std::string> path{checker::label_name(e.label)};
                for (std::size_t c = u; parent[c] >= 0; c = std::size_t(parent[c]))
                    path.push_back(checker::label_name(g.out[std::size_t(parent[c])][std::size_t(via[c])].label));
                std::reverse(path.begin(), path.end());
                return path;
            }
            if (!seen[e.to]) {
                seen[e.to] = true;
                parent[e.to] = int(u);
                via[e.to] = int(k);
                todo.push(e.to);
            }
        }
    }
    return std::nullopt;
}

// Permissive configurations for recipes: every close() variant, every peer behaviour, both sides
// of the 60 s FIN_WAIT2 split, the timewait and orphan limits reached or not.
std::vector<checker::CaseConfig> permissive_cases(std::string_view profile) {
    std::vector<checker::CaseConfig> out;
    const model::KernelProfile* p = model::find_profile(profile);
    for (int fin : {3, 62})
        for (int tw : {0, 2})
            for (int orphans : {0, 255}) {
                checker::CaseConfig c;
                c.sysctl.kernel = p->options;
                c.sysctl.fin_timeout_seconds = fin;
                c.sysctl.max_tw_buckets = tw;
                c.sysctl.max_orphans = orphans;
                c.peer = {true, true, true, true, true};
                for (auto l : {model::Linger::off, model::Linger::zero, model::Linger::timeout})
                    for (auto l2 : {model::Linger2::sysctl, model::Linger2::negative})
                        for (bool unread : {false, true}) c.close_events.push_back(model::close_event({l, l2, unread}));
                out.push_back(c);
            }
    return out;
}
}  // namespace

std::vector<RowPlan> plan_rows(std::string_view profile) {
    std::vector<RowPlan> plan(model::kRows);
    for (int i = 0; i < model::kRows; ++i) plan[std::size_t(i)].row = model::RowId(i);
    for (const Scenario& s : scenarios()) {
        if (s.long_run) continue;
        const std::vector<model::SlotRole> roles = s.roles();
        const analysis::SocketGraph g =
            analysis::socket_graph(s.model_case(profile), s.sockets(), s.network_never(), {}, {}, roles);
        const std::vector<bool> live = reachable(g, roles);
        for (RowPlan& p : plan) {
            bool can = false;
            for (std::size_t u = 0; u < g.out.size() && !can; ++u)
                can = live[u] && std::any_of(g.out[u].begin(), g.out[u].end(), [&](const auto& e) { return fires(e, p.row); });
            if (can) p.scenarios.push_back(s.name);
        }
    }
    std::vector<std::pair<checker::CaseConfig, analysis::SocketGraph>> permissive;
    for (const checker::CaseConfig& c : permissive_cases(profile)) permissive.emplace_back(c, analysis::socket_graph(c, 2));
    for (RowPlan& p : plan) {
        if (!p.scenarios.empty()) continue;
        for (const auto& [c, g] : permissive) {
            auto path = shortest_path(g, p.row);
            if (path && (p.recipe.empty() || path->size() < p.recipe.size())) {
                p.recipe = std::move(*path);
                p.recipe_config = c.describe();
            }
        }
    }
    return plan;
}

}  // namespace orphancheck::conform
