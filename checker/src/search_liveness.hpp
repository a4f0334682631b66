// Liveness pass of Search<W>: Tarjan's strongly connected components over the
// explored graph (successors regenerated, not stored) and the weak-fairness
// test per component; a fair component yields a lasso counterexample.
#pragma once

#include "search.hpp"

namespace orphancheck::checker {

template <int W>
bool Search<W>::liveness() {
    constexpr std::uint32_t kUnvisited = 0xffffffffu;
    const std::size_t total = store_.size();
    std::vector<std::uint32_t> index(total, kUnvisited), low(total);
    std::vector<bool> on_stack(total, false);
    comp_.assign(total, kUnvisited);
    std::vector<std::uint32_t> stack, edges, members;
    struct Frame {
        std::uint32_t v, begin, end, pos;
    };
    std::vector<Frame> frames;
    std::uint32_t counter = 0, next_comp = 0;
    std::vector<bool> self_loop(total, false);
    std::vector<std::pair<K, std::uint64_t>> succ;
    auto push = [&](std::uint32_t v) {
        index[v] = low[v] = counter++;
        stack.push_back(v);
        on_stack[v] = true;
        const auto begin = std::uint32_t(edges.size());
        succ.clear();
        for_each_successor(store_.state(v), [&](const K& n, int, const SockMove*) {
            const std::uint64_t h = hash_key(n);
            store_.prefetch(h);
            succ.emplace_back(n, h);
        });
        for (const auto& [n, h] : succ) {
            const auto w = std::uint32_t(store_.find(n, h));
            if (w == v) self_loop[v] = true;
            edges.push_back(w);
        }
        frames.push_back({v, begin, std::uint32_t(edges.size()), begin});
    };
    for (std::uint32_t root = 0; root < total; ++root) {
        if (index[root] != kUnvisited) continue;
        push(root);
        while (!frames.empty()) {
            Frame& f = frames.back();
            if (f.pos < f.end) {
                const std::uint32_t w = edges[f.pos++];
                if (index[w] == kUnvisited) {
                    if ((counter & 0xfff) == 0 && out_of_time()) return false;
                    push(w);
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
            std::uint32_t w;
            do {
                w = stack.back();
                stack.pop_back();
                on_stack[w] = false;
                comp_[w] = next_comp;
                members.push_back(w);
            } while (w != v);
            // Most components are single states without a self-loop: no cycle there.
            if (members.size() > 1 || self_loop[v]) evaluate_scc(members, next_comp);
            ++next_comp;
            if (!lasso_.empty()) return true;
        }
    }
    return true;
}

// A component admits a weakly fair cycle iff every (socket, fairness class)
// enabled in all of its states is taken by one of its internal edges.
template <int W>
void Search<W>::evaluate_scc(const std::vector<std::uint32_t>& members, std::uint32_t cid) {
    if (properties::all_finished(view(store_.state(members[0])))) return;
    bool cyclic = members.size() > 1;
    std::uint64_t always = ~std::uint64_t(0), ever = 0, taken = 0;
    for (std::uint32_t u : members) {
        const K k = store_.state(u);
        const std::uint64_t f = fair_bits(k);
        always &= f;
        ever |= f;
        for_each_successor(k, [&](const K& n, int s, const SockMove* mv) {
            const auto w = std::uint32_t(store_.find(n));
            if (comp_[w] != cid) return;
            if (w == u) cyclic = true;
            if (mv && label_fairness(mv->label) != model::Fairness::none)
                taken |= std::uint64_t(1) << (4 * s + int(label_fairness(mv->label)) - 1);
        });
    }
    if (!cyclic || (always & ~taken) != 0) return;
    // Lasso: stem to the earliest member, then a cycle that is weakly fair itself: it takes
    // every class enabled all over the component and passes a state where each other
    // class that is enabled somewhere is disabled.
    const std::uint32_t s0 = *std::min_element(members.begin(), members.end());
    lasso_ = path_to(s0);
    lasso_cycle_start_ = int(lasso_.size()) - 1;
    std::uint32_t cur = s0;
    auto go_to = [&](std::uint32_t target) {
        auto seg = path_within(cur, target, cid, false);
        lasso_.insert(lasso_.end(), seg.begin() + 1, seg.end());
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
                for_each_successor(store_.state(u), [&](const K& n, int s, const SockMove* mv) {
                    if (found || !mv || 4 * s + int(label_fairness(mv->label)) - 1 != b) return;
                    const auto w = std::uint32_t(store_.find(n));
                    if (comp_[w] != cid) return;
                    from = u;
                    to = w;
                    found = true;
                });
                if (found) break;
            }
            go_to(from);
            lasso_.push_back(to);
            cur = to;
        } else if (ever & bit) {
            for (std::uint32_t u : members)
                if (!(fair_bits(store_.state(u)) & bit)) {
                    go_to(u);
                    break;
                }
        }
    }
    auto back = path_within(cur, s0, cid, cur == s0 && lasso_.size() == std::size_t(lasso_cycle_start_) + 1);
    lasso_.insert(lasso_.end(), back.begin() + 1, back.end());
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
        for_each_successor(store_.state(u), [&](const K& n, int, const SockMove*) {
            const auto w = std::uint32_t(store_.find(n));
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
