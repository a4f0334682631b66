// Counterexamples of Search<W>: BFS parent paths, and concrete steps
// (event, socket, kernel rows, state after) recovered by regenerating the
// successors of each state on the path.
#pragma once

#include "search.hpp"

namespace orphancheck::checker {

template <int W>
std::vector<std::uint32_t> Search<W>::path_to(std::uint32_t state) const {
    std::vector<std::uint32_t> p;
    for (std::uint32_t s = state; s != StateStore<W>::kNoParent; s = cluster_ ? fetch(s).parent : store_.parent(s))
        p.push_back(s);
    std::reverse(p.begin(), p.end());
    return p;
}

template <int W>
typename Search<W>::K Search<W>::key_of(std::uint32_t i) {
    if (store_.kind() == StoreKind::full) return cluster_ ? fetch(i).key : store_.state(i);
    for (std::size_t r = 0; r < initial_ids_.size(); ++r)
        if (initial_ids_[r] == i) return initial_[r];
    if (const auto it = comp_keys_.find(i); it != comp_keys_.end()) return it->second;
    return stored_path(i).back();
}

template <int W>
std::vector<typename Search<W>::K> Search<W>::stored_path(std::uint32_t state) {
    const std::vector<std::uint32_t> path = path_to(state);
    std::vector<K> keys;
    if (store_.kind() == StoreKind::full) {
        for (std::uint32_t i : path) keys.push_back(key_of(i));
        return keys;
    }
    keys.push_back(key_of(path.front()));
    for (std::size_t i = 1; i < path.size(); ++i) {
        const std::uint16_t want = cluster_ ? fetch(path[i]).ordinal : store_.ordinal(path[i]);
        std::uint16_t o = 0;
        std::optional<K> next;
        for_each_successor(keys.back(), [&](const K& n, int, const SockMove*) {
            if (o++ == want) next = canonical(n);
        });
        if (!next) throw std::logic_error("stored path has no successor with the recorded ordinal");
        keys.push_back(*next);
    }
    return keys;
}

template <int W>
std::vector<typename Search<W>::K> Search<W>::concrete_path(const std::vector<K>& stored, PropertyMask prefer) {
    if (!sym_) return stored;
    std::vector<K> keys{stored.front()};
    for (std::size_t i = 1; i < stored.size(); ++i) {
        const K& target = stored[i];
        const bool last = i + 1 == stored.size();
        std::optional<K> any, bad;
        for_each_successor(keys.back(), [&](const K& n, int, const SockMove* mv) {
            if (!(canonical(n) == target)) return;
            if (!any) any = n;
            if (!bad && last && prefer && mv && (mv->violates & prefer)) bad = n;
        });
        if (!any) throw std::logic_error("counterexample path has no concrete replay");
        keys.push_back(bad ? *bad : *any);
    }
    return keys;
}

template <int W>
Trace Search<W>::make_trace(const std::vector<K>& path, int cycle_start, PropertyMask prefer) {
    Trace t;
    t.cycle_start = cycle_start;
    for (const K& k : path) t.states.push_back(std::uint32_t(find_class(k)));
    const K first = path.front();
    SocketSpace& sp = spaces_[std::size_t(case_of(first))];
    t.config = sp.config().describe();
    auto step_for = [&](const K& k, int s) {
        TraceStep st;
        st.socket = s;
        st.orphans = counter_of(k);
        st.orphan_cache = cache_of(k);
        if (s >= 0) {
            st.state = model::describe(sp.local(combo(k, s)));
            // A patched row may reach DESTROYED without freeing the socket: say so rather than look finished.
            if (sp.local(combo(k, s)).state == model::TcpState::destroyed && !sp.view(combo(k, s)).destroyed)
                st.state += " (never freed: inet_csk_destroy_sock did not run)";
            st.network = describe_env(sp.env_bits(combo(k, s)));
        }
        return st;
    };
    TraceStep init = step_for(first, -1);
    init.event = fmt::format("initial state: {}, orphan count 0", describe_roles(spec_.roles, n_));
    t.steps.push_back(init);
    for (std::size_t i = 1; i < path.size(); ++i) {
        const K& from = path[i - 1];
        const K& to = path[i];
        bool found = false;
        // Several moves may join two states; the last step of a step-property counterexample names the bad one.
        bool want_bad = false;
        std::optional<std::pair<int, SockMove>> last_bad;  // the socket and move of a bad last step
        if (prefer && i + 1 == path.size())
            for_each_successor(from, [&](const K& n, int, const SockMove* mv) {
                want_bad = want_bad || (n == to && mv && (mv->violates & prefer));
            });
        for_each_successor(from, [&](const K& n, int s, const SockMove* mv) {
            if (found || !(n == to) || (want_bad && !(mv && (mv->violates & prefer)))) return;
            found = true;
            TraceStep st = step_for(to, s);
            if (!mv) {
                st.event = "orphan cache refresh (tcp_orphan_update)";
                st.kernel_function = "tcp_orphan_update";
            } else {
                st.event = label_name(mv->label);
                for (model::RowId r : {mv->row1, mv->row2}) {
                    if (r == model::RowId::none) continue;
                    if (!st.rows.empty()) {
                        st.rows += ", ";
                        st.kernel_function += ", ";
                    }
                    st.rows += model::row_name(r);
                    st.kernel_function += model::row_kernel_function(r);
                    if (const std::string e = spec_.patch.edits_of(r); !e.empty())
                        st.patched += fmt::format("{}{}: {}", st.patched.empty() ? "" : "; ", model::row_name(r), e);
                }
            }
            t.steps.push_back(st);
            if (want_bad) last_bad = {s, *mv};
        });
        if (!found) throw std::logic_error("counterexample path has no matching transition");
        // Why the last step breaks the step property: what the rule expected and what the step did.
        if (last_bad) {
            const auto [s, bad] = *last_bad;
            const int gin = gin_of(from);
            const auto moves = sp.moves(combo(from, s), gin);
            const auto at = std::find(moves.begin(), moves.end(), bad);
            const auto view = at == moves.end() ? std::nullopt : sp.step_view(combo(from, s), gin, std::size_t(at - moves.begin()));
            for (PropertyId p : properties::all_properties())
                if (view && (prefer & properties::bit(p)))
                    if (const std::string why = properties::explain_step(p, *view); !why.empty())
                        t.note = "the last step breaks the rule: " + why;
        }
    }
    return t;
}

template <int W>
void Search<W>::emit_graph(GraphSink& sink) {
    auto depth_of = [this](std::uint32_t i) {
        const auto it = std::upper_bound(level_starts_.begin(), level_starts_.end(), std::size_t(i));
        return std::uint32_t(it - level_starts_.begin() - 1);
    };
    auto emit_state = [&](std::uint32_t i) {
        const K k = store_.state(i);
        const SocketSpace& sp = spaces_[std::size_t(case_of(k))];
        GraphState gs;
        gs.index = i;
        gs.depth = depth_of(i);
        gs.config = case_of(k);
        gs.orphans = counter_of(k);
        gs.orphan_cache = cache_of(k);
        for (int s = 0; s < n_; ++s) {
            gs.sockets.push_back(sp.local(combo(k, s)));
            gs.networks.push_back(sp.env_bits(combo(k, s)));
        }
        sink.state(gs);
    };
    auto emit_edges = [&](std::uint32_t i, std::vector<std::uint32_t>* targets) {
        for_each_successor(store_.state(i), [&](const K& n, int s, const SockMove* mv) {
            const std::int64_t to = find_class(n);
            if (to < 0) return;  // beyond a search that stopped at its first violation
            GraphEdge e;
            e.from = i;
            e.to = std::uint32_t(to);
            e.socket = s;
            if (!mv) {
                e.event = "orphan cache refresh";
            } else {
                e.event = label_name(mv->label);
                for (model::RowId r : {mv->row1, mv->row2}) {
                    if (r == model::RowId::none) continue;
                    if (!e.rows.empty()) e.rows += ", ";
                    e.rows += model::row_name(r);
                }
            }
            if (targets) targets->push_back(e.to);
            sink.edge(e);
        });
    };
    if (const auto* focus = sink.focus()) {
        std::vector<std::uint32_t> shown(focus->begin(), focus->end());
        for (std::uint32_t i : *focus)
            if (store_.exists(i)) emit_edges(i, &shown);
        std::sort(shown.begin(), shown.end());
        shown.erase(std::unique(shown.begin(), shown.end()), shown.end());
        for (std::uint32_t i : shown)
            if (store_.exists(i)) emit_state(i);
        return;
    }
    for (std::uint32_t i = 0; i < store_.id_bound(); ++i)
        if (store_.exists(i)) emit_state(i);
    for (std::uint32_t i = 0; i < store_.id_bound(); ++i)
        if (store_.exists(i)) emit_edges(i, nullptr);
}

}  // namespace orphancheck::checker
