// Liveness pass of Search<W>: Tarjan's strongly connected components over the
// explored graph and the weak-fairness test per component; a fair component
// yields a lasso counterexample. Under symmetry reduction the components are
// over permutation classes. With the full store and memory to spare, the
// breadth-first pass records every edge as it looks the successor up (its
// costly part, so the edges come almost free), and Tarjan walks that record in
// the order a walk regenerating successors would take: components, verdicts
// and counterexamples do not depend on the thread count. Otherwise (lossy
// stores, little memory) Tarjan regenerates the successors of each state as
// it reaches it.
#pragma once

#include <unistd.h>

#include "search.hpp"

namespace orphancheck::checker {

// Bytes the recorded edges take beside the store: a successor id and a label byte per edge, a packed
// position per state.
template <int W>
std::uint64_t Search<W>::adjacency_bytes() const {
    std::uint64_t b = adj_at_.size() * (std::uint64_t(1) << kAtShift) * sizeof(std::uint64_t);
    for (const AdjPart& p : adj_parts_) b += p.to.size() * (AdjPart::kMask + 1) * (sizeof(std::uint32_t) + 1);
    return b;
}

// Whether the recorded edges may stay beside `liveness_bytes` (the store and the liveness pass's arrays): under
// the memory limit, or without one, in half the memory the machine has.
template <int W>
bool Search<W>::adjacency_fits(std::uint64_t liveness_bytes) const {
    const std::uint64_t need = liveness_bytes + adjacency_bytes();
    if (spec_.memory_limit_bytes) return need <= spec_.memory_limit_bytes;
    static const std::uint64_t half = [] {  // asked once: prepare_recording asks every batch
        const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
        return pages > 0 && page > 0 ? std::uint64_t(pages) * std::uint64_t(page) / 2 : 0;
    }();
    return need <= half;
}

template <int W>
void Search<W>::drop_adjacency() {
    record_ = false;
    std::vector<HugeBlock<std::uint64_t>>().swap(adj_at_);
    std::vector<AdjPart>().swap(adj_parts_);
}

// Called where no thread runs, before a batch is expanded: every state of the batch has an id below the
// store's id bound. The recording stops (the liveness pass then regenerates successors) when it would not
// leave room for the store's next growth and the liveness pass, a state had more successors than adj_pack
// counts, or a part could pass 2^32 entries in this batch (a batch adds fewer than 2^31: 16,384 states of
// fewer than 2^16 successors each).
template <int W>
void Search<W>::prepare_recording() {
    if (!record_) return;
    if (adj_parts_.empty()) adj_parts_.resize(std::size_t(threads_));
    const std::uint64_t rest = store_.bytes_after_growth() + frontier_bytes_ + std::uint64_t(store_.id_bound()) * 13;
    const bool full = std::any_of(adj_parts_.begin(), adj_parts_.end(),
                                  [](const AdjPart& p) { return p.size >> 31 != 0; });
    if (record_overflow_.load() || full || !adjacency_fits(rest)) {
        drop_adjacency();
        return;
    }
    while (adj_at_.size() << kAtShift < store_.id_bound()) adj_at_.emplace_back(std::size_t(1) << kAtShift);
}

// State v's recorded edges: its part and the range of entries.
template <int W>
typename Search<W>::AdjRange Search<W>::stored_edges(std::uint32_t v) const {
    const std::uint64_t at = adj_at(v);
    const std::uint64_t begin = at & ((std::uint64_t(1) << kAdjBeginBits) - 1);
    return {&adj_parts_[std::size_t(at >> (kAdjBeginBits + kAdjCountBits))], begin,
            begin + ((at >> kAdjBeginBits) & ((std::uint64_t(1) << kAdjCountBits) - 1))};
}

// f(target, label) for each recorded successor of state v.
template <int W>
template <class F>
void Search<W>::for_each_stored_edge(std::uint32_t v, F&& f) const {
    const AdjRange r = stored_edges(v);
    for (std::uint64_t e = r.begin; e < r.end; ++e) f(r.part->target(e), r.part->label_of(e));
}

// f(target, socket or -1 for the cache refresh, fairness class, whether the socket's configuration changes)
// for each move from stored state u (key k) into component cid.
template <int W>
template <class F>
void Search<W>::for_each_internal_move(std::uint32_t u, const K& k, std::uint32_t cid, F&& f) {
    if (record_) {
        for_each_stored_edge(u, [&](std::uint32_t w, std::uint8_t label) {
            if (comp_[w] != cid) return;
            if (label == kCacheRefresh) f(w, -1, model::Fairness::none, false);
            else f(w, label & 0xf, model::Fairness((label >> 4) & 0x7), (label & 0x80) != 0);
        });
        return;
    }
    for_each_successor(k, [&](const K& n, int s, const SockMove* mv) {
        const auto w = std::uint32_t(find_class(n));
        if (comp_[w] != cid) return;
        if (mv) f(w, s, label_fairness(mv->label), mv->next != combo(k, s));
        else f(w, -1, model::Fairness::none, false);
    });
}

template <int W>
bool Search<W>::liveness() {
    constexpr std::uint32_t kUnvisited = 0xffffffffu;
    const std::size_t total = store_.id_bound();
    const bool lossy = store_.kind() != StoreKind::full;  // states are known only along the DFS
    HugeVector<std::uint32_t> index(total, kUnvisited), low(total);
    std::vector<bool> on_stack(total, false);
    comp_.assign(total, kUnvisited);
    std::vector<std::uint32_t> stack, members;
    Components cand;  // with recorded edges: the components left to judge
    std::vector<K> stack_keys;  // lossy stores
    // The successors of the states on the walk: their ids, and without recorded edges their keys.
    std::vector<std::uint32_t> edge_to;
    std::vector<K> edge_key;
    struct Frame {
        std::uint32_t v;
        std::size_t begin, end, pos;
    };
    std::vector<Frame> frames;
    std::uint32_t counter = 0, next_comp = 0;
    std::vector<bool> self_loop(total, false);
    std::vector<std::pair<K, std::uint64_t>> succ;
    const bool stored = record_;
    auto push = [&](std::uint32_t v, const K& key) {
        index[v] = low[v] = counter++;
        stack.push_back(v);
        if (lossy) stack_keys.push_back(key);
        on_stack[v] = true;
        const std::size_t begin = edge_to.size();
        if (stored) {
            const AdjRange r = stored_edges(v);  // the labels left unread
            for (std::uint64_t e = r.begin; e < r.end; ++e) edge_to.push_back(r.part->target(e));
        } else {
            succ.clear();
            successor_classes(key, succ, [](int, const SockMove*) {});
            for (const auto& [n, h] : succ) {
                edge_to.push_back(std::uint32_t(store_.find(n, h)));
                edge_key.push_back(n);
            }
        }
        frames.push_back({v, begin, edge_to.size(), begin});
    };
    // Every state is reachable from the initial ones.
    for (std::size_t r = 0; r < initial_.size(); ++r) {
        if (index[initial_ids_[r]] != kUnvisited) continue;
        push(initial_ids_[r], initial_[r]);
        while (!frames.empty()) {
            Frame& f = frames.back();
            if (f.pos < f.end) {
                const std::size_t e = f.pos++;
                const std::uint32_t w = edge_to[e];
                if (w == f.v) self_loop[w] = true;
                if (index[w] == kUnvisited) {
                    if ((counter & 0xfff) == 0 && out_of_time()) return false;
                    push(w, stored ? K{} : edge_key[e]);
                }
                else if (on_stack[w]) low[f.v] = std::min(low[f.v], index[w]);
                continue;
            }
            const std::uint32_t v = f.v;
            edge_to.resize(f.begin);
            if (!stored) edge_key.resize(f.begin);
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
            // Most components are single states without a self-loop: no cycle there. With recorded
            // edges the others are judged afterwards, on every thread.
            if (members.size() > 1 || self_loop[v]) {
                if (stored) {
                    cand.cids.push_back(next_comp);
                    cand.members.insert(cand.members.end(), members.begin(), members.end());
                    cand.ends.push_back(cand.members.size());
                } else if (!evaluate_scc(members, next_comp)) {
                    return false;
                }
            }
            ++next_comp;
            if (!lasso_.empty()) return true;
        }
    }
    return !stored || evaluate_components(cand);
}

// The components that may hold a weakly fair cycle are found on every thread; the first of them in the
// order Tarjan's walk completed them is then confirmed (under symmetry) or turned into a lasso, as a walk
// judging each component at once would have done.
template <int W>
bool Search<W>::evaluate_components(const Components& cand) {
    const std::size_t n = cand.cids.size();
    std::vector<std::uint8_t> fair(n, 0);
    std::atomic<std::size_t> next{0};
    parallel([&](int t) {
        for (std::size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < n && !stop_requested();) {
            if (t == 0 && (i & 0xff) == 0 && out_of_time()) {  // out_of_time says why
                stop_.store(true);
                return;
            }
            const std::size_t b = i == 0 ? 0 : cand.ends[i - 1];
            const std::span<const std::uint32_t> m(cand.members.data() + b, cand.ends[i] - b);
            fair[i] = may_hold_fair_cycle(m, cand.cids[i]) ? 1 : 0;
        }
    });
    if (stop_requested()) return false;
    for (std::size_t i = 0; i < n && lasso_.empty(); ++i) {
        if (!fair[i]) continue;
        const std::size_t b = i == 0 ? 0 : cand.ends[i - 1];
        const std::vector<std::uint32_t> m(cand.members.begin() + std::ptrdiff_t(b),
                                           cand.members.begin() + std::ptrdiff_t(cand.ends[i]));
        if (!settle_scc(m, cand.cids[i])) return false;
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
    return !may_hold_fair_cycle(members, cid) || settle_scc(members, cid);
}

// Exactly without symmetry reduction, as a necessary condition with it: whether component cid holds a weakly
// fair cycle outside the finished states.
template <int W>
bool Search<W>::may_hold_fair_cycle(std::span<const std::uint32_t> members, std::uint32_t cid) {
    if (properties::all_finished(view(key_of(members[0])))) return false;
    if (sym_) return may_hold_permuted_cycle(members, cid);
    bool cyclic = members.size() > 1;
    std::uint64_t always = ~std::uint64_t(0), taken = 0;
    for (std::uint32_t u : members) {
        const K k = key_of(u);
        always &= fair_bits(k);
        for_each_internal_move(u, k, cid, [&](std::uint32_t w, int s, model::Fairness f, bool) {
            if (w == u) cyclic = true;
            if (s >= 0 && f != model::Fairness::none) taken |= std::uint64_t(1) << (4 * s + int(f) - 1);
        });
    }
    return cyclic && (always & ~taken) == 0;
}

// A component that may hold a weakly fair cycle: confirmed without reduction (symmetry), else its lasso.
// False when a limit stopped the confirmation.
template <int W>
bool Search<W>::settle_scc(const std::vector<std::uint32_t>& members, std::uint32_t cid) {
    if (sym_) return confirm_fair_cycle(*std::min_element(members.begin(), members.end()), cid);
    std::uint64_t always = ~std::uint64_t(0);
    for (std::uint32_t u : members) always &= fair_bits(key_of(u));
    build_lasso(members, cid, always);
    return true;
}

// On the quotient: a concrete fair cycle through these classes needs (1) for every
// fairness class, an internal move of that class or a state where some socket has it
// disabled, and (2) no socket configuration x that no internal move leaves while a
// class stays enabled for it in every state and no internal self-move of x takes it
// (a socket in x would sit there for ever with that class continuously enabled).
template <int W>
bool Search<W>::may_hold_permuted_cycle(std::span<const std::uint32_t> members, std::uint32_t cid) {
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
        for_each_internal_move(u, k, cid, [&](std::uint32_t w, int s, model::Fairness f, bool moves) {
            if (w == u) cyclic = true;
            if (s < 0) return;
            const Combo from = combo(k, s);
            const std::uint8_t bit = f == model::Fairness::none ? 0 : std::uint8_t(1u << (int(f) - 1));
            taken_any |= bit;
            if (moves) per[from].leaves = true;
            else per[from].self_taken |= bit;
        });
    }
    if (!cyclic || (always_all & ~taken_any) != 0) return false;
    // A combo seen in only some members is left by a move (the component is strongly connected).
    for (const auto& [x, pc] : per)
        if (!pc.leaves && (pc.always & ~pc.self_taken) != 0) return false;
    return true;
}

// The spec of a confirmation search: no reduction, one process, only the liveness pass (nothing may stop the
// search early), what is left of the time limit, at most 2^24 states.
template <int W>
ExploreSpec Search<W>::confirmation_spec() const {
    ExploreSpec sub = spec_;
    sub.symmetry = false;
    sub.progress.on = false;
    sub.properties = 0;
    sub.cluster = nullptr;
    sub.threads = 1;  // a confirmation search is small: more threads would only be started and joined
    const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    if (spec_.time_limit_seconds > 0) sub.time_limit_seconds = std::max(0.001, spec_.time_limit_seconds - elapsed);
    constexpr std::uint64_t kConfirmStates = 1ull << 24;
    sub.max_states = spec_.max_states ? std::min(spec_.max_states, kConfirmStates) : kConfirmStates;
    return sub;
}

template <int W>
bool Search<W>::confirm_fair_cycle(std::uint32_t s0, std::uint32_t cid) {
    const std::vector<K> stem = concrete_path(stored_path(s0));
    const ExploreSpec sub = confirmation_spec();
    Search confirm(sub, spaces_, *this, cid, stem.back());
    return finish_confirmation(confirm, stem);
}

template <int W>
bool Search<W>::confirm_within(const KeySet& members, const std::vector<K>& stem) {
    const ExploreSpec sub = confirmation_spec();
    Search confirm(sub, spaces_, members, sym_, stem.back());
    return finish_confirmation(confirm, stem);
}

// Runs confirmation search `confirm` from the end of `stem`; a fair cycle it finds becomes lasso_.
template <int W>
bool Search<W>::finish_confirmation(Search& confirm, const std::vector<K>& stem) {
    if (!confirm.bfs() || !confirm.liveness()) {
        incomplete_ = sym_ ? fmt::format("symmetry reduction: confirming a possible fair cycle stopped ({}); "
                                         "rerun with --symmetry no",
                                         confirm.incomplete_)
                           : fmt::format("searching a possible fair cycle stopped ({})", confirm.incomplete_);
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
