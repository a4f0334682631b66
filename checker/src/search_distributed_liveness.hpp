// Liveness pass of Search<W> across ranks. Each rank builds the forward and
// backward edges of the states it owns (successor ids come from their
// owners), then the ranks split the graph into strongly connected
// components without gathering it:
//  1. trimming (the elimination step of OWCTY, Černá and Pelánek 2003): a
//     state with no predecessor or no successor left outside itself is a
//     component of its own; removing it may expose more;
//  2. colouring (Orzan 2004) for the rest: every state takes the largest id
//     that reaches it (forward propagation to a fixpoint); a state that keeps
//     its own id is a root, and the states of its colour that reach it
//     backwards form its component; components found leave, the rest repeats.
// Both are sweeps of one-hop messages between ranks, so memory stays split.
// A component's weak-fairness summary (as Search::may_hold_fair_cycle and,
// under symmetry, may_hold_permuted_cycle compute it) is reduced at the rank
// owning its root; the components that may hold a fair cycle are taken in
// ascending root id, and every rank searches the first ones alike without
// reduction from the gathered members (as the symmetry confirmation does)
// until one yields a lasso. Components and verdicts equal the one-process
// pass's; which fair cycle is shown may differ.
#pragma once

#include "search_distributed.hpp"

namespace orphancheck::checker {

template <int W>
bool Search<W>::sync_stop() {
    if (!stop_requested() && out_of_time()) stop_.store(true);  // out_of_time says why
    return agree_stop();
}

template <int W>
bool Search<W>::liveness_distributed() {
    Cluster& cl = *cluster_;
    const auto P = std::uint32_t(ranks_);
    if (store_.kind() != StoreKind::full) {
        incomplete_ = "the liveness pass across ranks needs the states themselves (--store full)";
        return false;
    }
    const StateStore<W>& mine = store_.shard(rank_);
    const std::size_t n = mine.size();
    const auto gid = [&](std::size_t i) { return store_.id(rank_, std::uint32_t(i)); };
    const auto owner = [&](std::uint32_t g) { return std::size_t(g % P); };
    const auto local = [&](std::uint32_t g) { return std::size_t(g / P); };
    constexpr std::size_t kBatch = 16384;
    const std::uint64_t batches = cl.max(std::uint64_t((n + kBatch - 1) / kBatch));
    struct Pair {  // a one-hop message: the target's local index at its owner, a value
        std::uint32_t id, value;
    };

    // Forward edges (target id, label) of every own state; backward edges (source id) arrive from the sources.
    std::vector<std::uint64_t> off(n + 1, 0);
    std::vector<std::uint32_t> to;
    std::vector<std::uint8_t> label;
    std::vector<Pair> incoming;  // (own target's local index, source id)
    {
        std::vector<std::pair<K, std::uint64_t>> succ;
        for (std::uint64_t b = 0; b < batches; ++b) {
            const std::size_t lo = std::min(n, b * kBatch), hi = std::min(n, lo + kBatch);
            std::vector<std::vector<K>> ask(P);
            std::vector<std::uint32_t> dest;
            for (std::size_t i = lo; i < hi; ++i) {
                off[i] = to.size() + dest.size();
                const K& k = mine.state(i);
                succ.clear();
                successor_classes(k, succ, [&](int s, const SockMove* mv) {
                    label.push_back(mv ? edge_label(s, label_fairness(mv->label), mv->next != combo(k, s))
                                       : kCacheRefresh);
                });
                for (const auto& [c, h] : succ) {
                    ask[std::size_t(store_.shard_of(h))].push_back(c);
                    dest.push_back(std::uint32_t(store_.shard_of(h)));
                }
            }
            std::vector<std::vector<std::uint32_t>> ids(P);
            const std::vector<std::vector<K>> asked = exchange_values(cl, ask);
            for (std::uint32_t r = 0; r < P; ++r)
                for (const K& k : asked[r]) {
                    const std::int64_t id = store_.find(k);
                    if (id < 0) throw std::logic_error("a successor its owner never stored");
                    ids[r].push_back(std::uint32_t(id));
                }
            ids = exchange_values(cl, ids);
            std::vector<std::size_t> cursor(P, 0);
            std::vector<std::vector<Pair>> back(P);
            std::size_t i = lo;
            for (const std::uint32_t d : dest) {
                const std::uint32_t w = ids[d][cursor[d]++];
                while (i + 1 < hi && off[i + 1] <= to.size()) ++i;
                to.push_back(w);
                back[owner(w)].push_back({std::uint32_t(local(w)), gid(i)});
            }
            for (const std::vector<Pair>& got : exchange_values(cl, back))
                incoming.insert(incoming.end(), got.begin(), got.end());
            if (sync_stop()) return false;
        }
        off[n] = to.size();
    }
    std::vector<std::uint64_t> boff(n + 1, 0);
    std::vector<std::uint32_t> from(incoming.size());
    for (const auto& [t, s] : incoming) ++boff[t + 1];
    for (std::size_t i = 0; i < n; ++i) boff[i + 1] += boff[i];
    {
        std::vector<std::uint64_t> fill(boff.begin(), boff.end() - 1);
        for (const auto& [t, s] : incoming) from[fill[t]++] = s;
        incoming = {};
    }

    constexpr std::uint32_t kNone = 0xffffffffu;
    std::vector<std::uint32_t> scc(n, kNone);
    std::vector<std::uint8_t> self(n, 0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::uint64_t e = off[i]; e < off[i + 1]; ++e)
            if (to[e] == gid(i)) self[i] = 1;
    // One round of one-hop messages: f(own state, send(target id, value)) for the states in `work`; g(local
    // index, value) for each message that arrives here. Returns the states g queued for the next round.
    const auto round = [&](const std::vector<std::uint32_t>& work, auto&& f, auto&& g) {
        std::vector<std::vector<Pair>> msg(P);
        for (const std::uint32_t i : work) f(i, [&](std::uint32_t target, std::uint32_t value) {
            msg[owner(target)].push_back({std::uint32_t(local(target)), value});
        });
        std::vector<std::uint32_t> next;
        for (const std::vector<Pair>& got : exchange_values(cl, msg))
            for (const auto& [l, v] : got) g(l, v, next);
        return next;
    };

    // 1. Trimming: in- and out-degrees among the states left, self-loops aside.
    {
        std::vector<std::uint32_t> indeg(n, 0), outdeg(n, 0), work;
        std::vector<std::uint8_t> queued(n, 0);
        for (std::size_t i = 0; i < n; ++i) {
            for (std::uint64_t e = off[i]; e < off[i + 1]; ++e) outdeg[i] += to[e] != gid(i) ? 1 : 0;
            for (std::uint64_t e = boff[i]; e < boff[i + 1]; ++e) indeg[i] += from[e] != gid(i) ? 1 : 0;
            if (indeg[i] == 0 || outdeg[i] == 0) {
                queued[i] = 1;
                work.push_back(std::uint32_t(i));
            }
        }
        while (cl.max(std::uint64_t(work.size())) > 0) {
            for (const std::uint32_t i : work) scc[i] = gid(i);
            // Value 0: one predecessor fewer; 1: one successor fewer.
            work = round(
                work,
                [&](std::uint32_t i, auto&& send) {
                    for (std::uint64_t e = off[i]; e < off[i + 1]; ++e)
                        if (to[e] != gid(i)) send(to[e], 0);
                    for (std::uint64_t e = boff[i]; e < boff[i + 1]; ++e)
                        if (from[e] != gid(i)) send(from[e], 1);
                },
                [&](std::uint32_t l, std::uint32_t v, std::vector<std::uint32_t>& next) {
                    if (queued[l]) return;
                    if ((v == 0 ? --indeg[l] : --outdeg[l]) == 0) {
                        queued[l] = 1;
                        next.push_back(l);
                    }
                });
            if (sync_stop()) return false;
        }
    }
    // 2. Colouring of what is left.
    {
        std::vector<std::uint32_t> color(n, 0);
        std::vector<std::uint32_t> stamp(n, 0);  // the sweep that last queued a state
        std::uint32_t sweep = 0;
        for (;;) {
            std::vector<std::uint32_t> work;
            for (std::size_t i = 0; i < n; ++i)
                if (scc[i] == kNone) {
                    color[i] = gid(i);
                    work.push_back(std::uint32_t(i));
                }
            if (cl.max(std::uint64_t(work.size())) == 0) break;
            const auto forward = [&](std::uint32_t i, auto&& send) {
                for (std::uint64_t e = off[i]; e < off[i + 1]; ++e)
                    if (to[e] != gid(i)) send(to[e], color[i]);
            };
            ++sweep;
            while (cl.max(std::uint64_t(work.size())) > 0) {
                ++sweep;
                work = round(work, forward, [&](std::uint32_t l, std::uint32_t c, std::vector<std::uint32_t>& next) {
                    if (scc[l] != kNone || color[l] >= c) return;
                    color[l] = c;
                    if (stamp[l] != sweep) {
                        stamp[l] = sweep;
                        next.push_back(l);
                    }
                });
                if (sync_stop()) return false;
            }
            work.clear();
            for (std::size_t i = 0; i < n; ++i)
                if (scc[i] == kNone && color[i] == gid(i)) {
                    scc[i] = color[i];
                    work.push_back(std::uint32_t(i));
                }
            const auto backward = [&](std::uint32_t i, auto&& send) {
                for (std::uint64_t e = boff[i]; e < boff[i + 1]; ++e)
                    if (from[e] != gid(i)) send(from[e], color[i]);
            };
            while (cl.max(std::uint64_t(work.size())) > 0) {
                work = round(work, backward, [&](std::uint32_t l, std::uint32_t c, std::vector<std::uint32_t>& next) {
                    if (scc[l] != kNone || color[l] != c) return;
                    scc[l] = c;
                    next.push_back(l);
                });
                if (sync_stop()) return false;
            }
        }
    }

    // 3. Weak-fairness summaries of the states on a cycle (a self-loop, or a component of two states or more: a
    // state that is not its component's root tells the root), reduced at the root's owner: what
    // may_hold_fair_cycle, and under symmetry may_hold_permuted_cycle, gather over the members.
    std::vector<std::uint8_t> cyclic(n, 0);
    {
        std::vector<std::uint32_t> members;
        for (std::size_t i = 0; i < n; ++i) {
            cyclic[i] = self[i] || scc[i] != gid(i);
            if (scc[i] != gid(i)) members.push_back(std::uint32_t(i));
        }
        round(members, [&](std::uint32_t i, auto&& send) { send(scc[i], 1); },
              [&](std::uint32_t l, std::uint32_t, std::vector<std::uint32_t>&) { cyclic[l] = 1; });
    }
    struct Summary {
        std::uint32_t scc;
        std::uint8_t self, always_all, taken_any, pad = 0;
        std::uint64_t always, taken;
    };
    struct ComboSummary {
        std::uint32_t scc;
        Combo combo;
        std::uint8_t always, self_taken, leaves, pad = 0;
    };
    struct Agg {
        std::uint64_t count = 0, always = ~std::uint64_t(0), taken = 0;
        bool self = false;
        std::uint8_t always_all = 0xf, taken_any = 0;
        std::unordered_map<Combo, ComboSummary> per;
    };
    std::unordered_map<std::uint32_t, Agg> agg;
    const auto add = [&](const Summary& s) {
        Agg& a = agg[s.scc];
        ++a.count;
        a.self = a.self || s.self;
        a.always &= s.always;
        a.taken |= s.taken;
        a.always_all &= s.always_all;
        a.taken_any |= s.taken_any;
    };
    const auto add_combo = [&](const ComboSummary& c) {
        auto [it, fresh] = agg[c.scc].per.try_emplace(c.combo, c);
        if (fresh) return;
        it->second.always &= c.always;
        it->second.self_taken |= c.self_taken;
        it->second.leaves |= c.leaves;
    };
    for (std::uint64_t b = 0; b < batches; ++b) {
        const std::size_t lo = std::min(n, b * kBatch), hi = std::min(n, lo + kBatch);
        // The components of the targets of every edge leaving a state on a cycle.
        std::vector<std::vector<std::uint32_t>> ask(P);
        for (std::size_t i = lo; i < hi; ++i)
            if (cyclic[i])
                for (std::uint64_t e = off[i]; e < off[i + 1]; ++e) ask[owner(to[e])].push_back(std::uint32_t(local(to[e])));
        std::vector<std::vector<std::uint32_t>> comps = exchange_values(cl, ask);
        for (std::vector<std::uint32_t>& asked : comps)
            for (std::uint32_t& l : asked) l = scc[l];
        comps = exchange_values(cl, comps);
        std::vector<std::size_t> cursor(P, 0);
        std::vector<std::vector<Summary>> sums(P);
        std::vector<std::vector<ComboSummary>> combos(P);
        for (std::size_t i = lo; i < hi; ++i) {
            if (!cyclic[i]) continue;
            const K& k = mine.state(i);
            SocketSpace& sp = spaces_[std::size_t(case_of(k))];
            const int gin = gin_of(k);
            Summary s{scc[i], self[i], 0xf, 0, 0, fair_bits(k), 0};
            std::vector<ComboSummary> cs;
            for (int j = 0; j < n_; ++j) {
                const std::uint8_t f = sp.fair_mask(combo(k, j), gin);
                s.always_all &= f;
                if (sym_) cs.push_back({scc[i], combo(k, j), f, 0, 0});
            }
            for (std::uint64_t e = off[i]; e < off[i + 1]; ++e) {
                const std::uint32_t c = comps[owner(to[e])][cursor[owner(to[e])]++];
                if (c != scc[i] || label[e] == kCacheRefresh) continue;
                const int sock = label[e] & 0xf;
                const auto f = model::Fairness((label[e] >> 4) & 0x7);
                const std::uint8_t bit = f == model::Fairness::none ? 0 : std::uint8_t(1u << (int(f) - 1));
                if (f != model::Fairness::none) s.taken |= std::uint64_t(1) << (4 * sock + int(f) - 1);
                s.taken_any |= bit;
                if (sym_) {
                    ComboSummary m{scc[i], combo(k, sock), 0xf, 0, 0};
                    if (label[e] & 0x80) m.leaves = 1;
                    else m.self_taken = bit;
                    cs.push_back(m);
                }
            }
            const std::size_t dest = owner(scc[i]);
            sums[dest].push_back(s);
            combos[dest].insert(combos[dest].end(), cs.begin(), cs.end());
        }
        for (const std::vector<Summary>& got : exchange_values(cl, sums))
            for (const Summary& s : got) add(s);
        for (const std::vector<ComboSummary>& got : exchange_values(cl, combos))
            for (const ComboSummary& c : got) add_combo(c);
        if (sync_stop()) return false;
    }
    // The components that may hold a weakly fair cycle, by root id, on every rank.
    std::vector<std::uint32_t> candidates;
    for (const auto& [c, a] : agg) {
        if (properties::all_finished(view(mine.state(local(c))))) continue;
        bool fair = sym_ ? (a.always_all & ~a.taken_any) == 0 : (a.always & ~a.taken) == 0;
        if (sym_)
            for (const auto& [x, pc] : a.per)
                if (!pc.leaves && (pc.always & ~pc.self_taken) != 0) fair = false;
        if (fair) candidates.push_back(c);
    }
    agg = {};
    {
        const std::vector<std::vector<std::uint32_t>> all = exchange_values(cl, std::vector(P, candidates));
        candidates.clear();
        for (const std::vector<std::uint32_t>& got : all) candidates.insert(candidates.end(), got.begin(), got.end());
        std::sort(candidates.begin(), candidates.end());
    }
    // 4. The candidates in ascending root id, each gathered on every rank and searched without reduction.
    // Own members of the candidates, by candidate (ascending ids).
    std::vector<std::uint32_t> own;
    {
        const std::unordered_set<std::uint32_t> wanted(candidates.begin(), candidates.end());
        for (std::size_t i = 0; i < n; ++i)
            if (cyclic[i] && wanted.count(scc[i])) own.push_back(std::uint32_t(i));
        std::stable_sort(own.begin(), own.end(), [&](std::uint32_t a, std::uint32_t b) { return scc[a] < scc[b]; });
    }
    auto next_own = own.begin();
    for (const std::uint32_t c : candidates) {
        std::vector<K> mine_members;
        std::uint32_t first = 0xffffffffu;
        for (; next_own != own.end() && scc[*next_own] == c; ++next_own) {
            mine_members.push_back(mine.state(*next_own));
            first = std::min(first, gid(*next_own));
        }
        const std::uint32_t s0 = std::uint32_t(cl.min(first));
        KeySet members;
        for (const std::vector<K>& got : exchange_values(cl, std::vector(P, mine_members)))
            members.insert(got.begin(), got.end());
        const std::vector<K> stem = concrete_path(stored_path(s0));
        const bool done = confirm_within(members, stem);
        if (!done) stop_.store(true);
        if (agree_stop()) return false;
        if (!lasso_.empty()) return true;
    }
    return true;
}

}  // namespace orphancheck::checker
