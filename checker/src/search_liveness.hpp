// Liveness pass of Search<W>: Tarjan's strongly connected components over the
// explored graph (successors regenerated, not stored) and the weak-fairness
// test per component; a fair component yields a lasso counterexample.
// Under symmetry reduction the components are over permutation classes.
#pragma once

#include "search.hpp"

namespace orphancheck::checker {

template <int W>
bool Search<W>::liveness() {
    constexpr std::uint32_t kUnvisited = 0xffffffffu;
    const std::size_t total = store_.id_bound();
    const bool lossy = store_.kind() != StoreKind::full;  // states are known only along the DFS
    std::vector<std::uint32_t> index(total, kUnvisited), low(total);
    std::vector<bool> on_stack(total, false);
    comp_.assign(total, kUnvisited);
    std::vector<std::uint32_t> stack, members;
    std::vector<K> stack_keys;  // lossy stores
    std::vector<std::pair<std::uint32_t, K>> edges;
    struct Frame {
        std::uint32_t v, begin, end, pos;
    };
    std::vector<Frame> frames;
    std::uint32_t counter = 0, next_comp = 0;
    std::vector<bool> self_loop(total, false);
    std::vector<std::pair<K, std::uint64_t>> succ;
    auto push = [&](std::uint32_t v, const K& key) {
        index[v] = low[v] = counter++;
        stack.push_back(v);
        if (lossy) stack_keys.push_back(key);
        on_stack[v] = true;
        const auto begin = std::uint32_t(edges.size());
        succ.clear();
        for_each_successor(key, [&](const K& n, int s, const SockMove*) {
            const K c = canonical_after(n, s);
            const std::uint64_t h = hash_key(c);
            store_.prefetch(h);
            succ.emplace_back(c, h);
        });
        for (const auto& [n, h] : succ) {
            const auto w = std::uint32_t(store_.find(n, h));
            if (w == v) self_loop[v] = true;
            edges.emplace_back(w, n);
        }
        frames.push_back({v, begin, std::uint32_t(edges.size()), begin});
    };
    // Every state is reachable from the initial ones.
    for (std::size_t r = 0; r < initial_.size(); ++r) {
        if (index[initial_ids_[r]] != kUnvisited) continue;
        push(initial_ids_[r], initial_[r]);
        while (!frames.empty()) {
            Frame& f = frames.back();
            if (f.pos < f.end) {
                const auto [w, wkey] = edges[f.pos++];
                if (index[w] == kUnvisited) {
                    if ((counter & 0xfff) == 0 && out_of_time()) return false;
                    push(w, wkey);
                }
                else if (on_stack[w]) low[f.v] = std::min(low[f.v], index[w]);
                continue;
            }
            const std::uint32_t v = f.v;
            edges.resize(f.begin);
            frames.pop_back();
            if (!frames.empty()) low[frames.back().v] = std::min(low[frames.back().v], low[v]);
            if (low[v] != index[v]) continue;
            members.clear();
            comp_keys_.clear();
            std::uint32_t w;
            do {
                w = stack.back();
                stack.pop_back();
                if (lossy) {
                    comp_keys_.emplace(w, stack_keys.back());
                    stack_keys.pop_back();
                }
                on_stack[w] = false;
                comp_[w] = next_comp;
                members.push_back(w);
            } while (w != v);
            // Most components are single states without a self-loop: no cycle there.
            if ((members.size() > 1 || self_loop[v]) && !evaluate_scc(members, next_comp)) return false;
            ++next_comp;
            if (!lasso_.empty()) return true;
        }
    }
    return true;
}

// A component admits a weakly fair cycle iff every (socket, fairness class)
// enabled in all of its states is taken by one of its internal edges. Under
// symmetry reduction a component stands for concrete states whose sockets
// permute along a cycle: a necessary condition filters the components, and a
// search without reduction confirms the rest (the counterexample is concrete).
template <int W>
bool Search<W>::evaluate_scc(const std::vector<std::uint32_t>& members, std::uint32_t cid) {
    if (properties::all_finished(view(key_of(members[0])))) return true;
    if (sym_) {
        if (!may_hold_fair_cycle(members, cid)) return true;
        return confirm_fair_cycle(*std::min_element(members.begin(), members.end()), cid);
    }
    bool cyclic = members.size() > 1;
    std::uint64_t always = ~std::uint64_t(0), taken = 0;
    for (std::uint32_t u : members) {
        const K k = key_of(u);
        always &= fair_bits(k);
        for_each_successor(k, [&](const K& n, int s, const SockMove* mv) {
            const auto w = std::uint32_t(find_class(n));
            if (comp_[w] != cid) return;
            if (w == u) cyclic = true;
            if (mv && label_fairness(mv->label) != model::Fairness::none)
                taken |= std::uint64_t(1) << (4 * s + int(label_fairness(mv->label)) - 1);
        });
    }
    if (cyclic && (always & ~taken) == 0) build_lasso(members, cid, always);
    return true;
}

// On the quotient: a concrete fair cycle through these classes needs (1) for every
// fairness class, an internal move of that class or a state where some socket has it
// disabled, and (2) no socket configuration x that no internal move leaves while a
// class stays enabled for it in every state and no internal self-move of x takes it
// (a socket in x would sit there for ever with that class continuously enabled).
template <int W>
bool Search<W>::may_hold_fair_cycle(const std::vector<std::uint32_t>& members, std::uint32_t cid) {
    bool cyclic = members.size() > 1;
    std::uint8_t always_all = 0xf, taken_any = 0;
    struct PerCombo {
        std::uint8_t always = 0xf, self_taken = 0;
        bool leaves = false;
    };
    std::unordered_map<Combo, PerCombo> per;
    for (std::uint32_t u : members) {
        const K k = key_of(u);
        SocketSpace& sp = spaces_[std::size_t(case_of(k))];
        const int gin = gin_of(k);
        for (int s = 0; s < n_; ++s) {
            const std::uint8_t f = sp.fair_mask(combo(k, s), gin);
            always_all &= f;
            per[combo(k, s)].always &= f;
        }
        for_each_successor(k, [&](const K& n, int s, const SockMove* mv) {
            const auto w = std::uint32_t(find_class(n));
            if (comp_[w] != cid) return;
            if (w == u) cyclic = true;
            if (!mv) return;
            const Combo from = combo(k, s);
            const int cls = int(label_fairness(mv->label));
            const std::uint8_t bit = cls == 0 ? 0 : std::uint8_t(1u << (cls - 1));
            taken_any |= bit;
            if (mv->next != from) per[from].leaves = true;
            else per[from].self_taken |= bit;
        });
    }
    if (!cyclic || (always_all & ~taken_any) != 0) return false;
    // A combo seen in only some members is left by a move (the component is strongly connected).
    for (const auto& [x, pc] : per)
        if (!pc.leaves && (pc.always & ~pc.self_taken) != 0) return false;
    return true;
}

template <int W>
bool Search<W>::confirm_fair_cycle(std::uint32_t s0, std::uint32_t cid) {
    const std::vector<K> stem = concrete_path(stored_path(s0));
    ExploreSpec sub = spec_;
    sub.symmetry = false;
    sub.progress.on = false;
    sub.properties = 0;  // only the liveness pass runs; nothing may stop the search early
    const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    if (spec_.time_limit_seconds > 0) sub.time_limit_seconds = std::max(0.001, spec_.time_limit_seconds - elapsed);
    constexpr std::uint64_t kConfirmStates = 1ull << 24;
    sub.max_states = spec_.max_states ? std::min(spec_.max_states, kConfirmStates) : kConfirmStates;
    Search confirm(sub, spaces_, *this, cid, stem.back());
    if (!confirm.bfs() || !confirm.liveness()) {
        incomplete_ = fmt::format("symmetry reduction: confirming a possible fair cycle stopped ({}); "
                                  "rerun with --symmetry no",
                                  confirm.incomplete_);
        return false;
    }
    if (confirm.lasso_.empty()) return true;
    lasso_ = stem;
    lasso_cycle_start_ = int(stem.size()) - 1 + confirm.lasso_cycle_start_;
    lasso_.insert(lasso_.end(), confirm.lasso_.begin() + 1, confirm.lasso_.end());
    return true;
}

// Lasso: stem to the earliest member, then a cycle that is weakly fair itself: it takes
// every class enabled all over the component and passes a state where each other
// class that is enabled somewhere is disabled.
template <int W>
void Search<W>::build_lasso(const std::vector<std::uint32_t>& members, std::uint32_t cid, std::uint64_t always) {
    std::uint64_t ever = 0;
    for (std::uint32_t u : members) ever |= fair_bits(key_of(u));
    const std::uint32_t s0 = *std::min_element(members.begin(), members.end());
    std::vector<K> stem = stored_path(s0);
    std::vector<std::uint32_t> lasso{s0};
    lasso_cycle_start_ = int(stem.size()) - 1;
    std::uint32_t cur = s0;
    auto go_to = [&](std::uint32_t target) {
        auto seg = path_within(cur, target, cid, false);
        lasso.insert(lasso.end(), seg.begin() + 1, seg.end());
        cur = target;
    };
    for (int b = 0; b < 64; ++b) {
        const std::uint64_t bit = std::uint64_t(1) << b;
        if (always & bit) {
            // Find an internal edge of class b first; walk to it afterwards (moves() buffers
            // must not be refilled while a successor loop still reads them).
            std::uint32_t from = 0, to = 0;
            bool found = false;
            for (std::uint32_t u : members) {
                for_each_successor(key_of(u), [&](const K& n, int s, const SockMove* mv) {
                    if (found || !mv || 4 * s + int(label_fairness(mv->label)) - 1 != b) return;
                    const auto w = std::uint32_t(find_class(n));
                    if (comp_[w] != cid) return;
                    from = u;
                    to = w;
                    found = true;
                });
                if (found) break;
            }
            go_to(from);
            lasso.push_back(to);
            cur = to;
        } else if (ever & bit) {
            for (std::uint32_t u : members)
                if (!(fair_bits(key_of(u)) & bit)) {
                    go_to(u);
                    break;
                }
        }
    }
    auto back = path_within(cur, s0, cid, cur == s0 && lasso.size() == 1);
    lasso.insert(lasso.end(), back.begin() + 1, back.end());
    for (std::size_t i = 1; i < lasso.size(); ++i) stem.push_back(key_of(lasso[i]));
    lasso_ = concrete_path(stem);
}

// Shortest path from -> to inside component cid (at least one edge if nonempty).
template <int W>
std::vector<std::uint32_t> Search<W>::path_within(std::uint32_t from, std::uint32_t to, std::uint32_t cid,
                                                  bool nonempty) {
    if (from == to && !nonempty) return {from};
    std::unordered_map<std::uint32_t, std::uint32_t> parent;
    std::vector<std::uint32_t> frontier{from};
    for (std::size_t i = 0; i < frontier.size(); ++i) {
        const std::uint32_t u = frontier[i];
        bool reached = false;
        for_each_successor(key_of(u), [&](const K& n, int, const SockMove*) {
            const auto w = std::uint32_t(find_class(n));
            if (reached || comp_[w] != cid || parent.count(w)) return;
            parent[w] = u;
            if (w == to) reached = true;
            frontier.push_back(w);
        });
        if (reached) break;
    }
    std::vector<std::uint32_t> p{to};
    for (std::uint32_t s = to;;) {
        s = parent.at(s);
        p.push_back(s);
        if (s == from) break;
    }
    std::reverse(p.begin(), p.end());
    return p;
}

}  // namespace orphancheck::checker
