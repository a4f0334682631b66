// Breadth-first pass of Search<W>, level by level. One thread: state by
// state, each state's successors inserted right after it is expanded. K
// threads: the level is cut into batches; in phase 1 each thread expands its
// slice of the batch and sends every successor to the shard its hash names;
// in phase 2 each thread inserts what its shard received, in thread order.
// State and transition counts do not depend on the thread count; the state
// numbering (and so which shortest counterexample is shown) does, and is the
// same on every run with the same count.
#pragma once

#include <thread>
#include <utility>

#include "search.hpp"

namespace orphancheck::checker {

// The first thread to stop says why; the others only stop.
template <int W>
void Search<W>::request_stop(std::string why) {
    if (!stop_.exchange(true)) incomplete_ = std::move(why);
}

template <int W>
template <class F>
void Search<W>::parallel(F&& f) {
    if (threads_ == 1) {
        f(0);
        return;
    }
    std::vector<std::jthread> pool;
    for (int t = 1; t < threads_; ++t) pool.emplace_back([&f, t] { f(t); });
    f(0);
}

// Called between inserts only (phase 1 or one thread): reads every shard.
template <int W>
bool Search<W>::limit_hit(std::size_t processed) {
    if (spec_.max_states && store_.size() >= spec_.max_states) {
        request_stop(fmt::format("state limit {} reached", spec_.max_states));
        return true;
    }
    if ((processed & 0xfff) != 0) return false;
    if (out_of_time()) {
        request_stop(incomplete_);
        return true;
    }
    const std::uint64_t bytes = store_.bytes() + frontier_bytes_;
    if (spec_.memory_limit_bytes && store_.bytes_after_growth() + frontier_bytes_ > spec_.memory_limit_bytes) {
        request_stop(fmt::format("memory limit {} MiB reached after {} states (depth {})",
                                 spec_.memory_limit_bytes >> 20, store_.size(), depth_));
        return true;
    }
    const auto now = Clock::now();
    const double since = std::chrono::duration<double>(now - last_progress_).count();
    if (spec_.progress.on && since >= spec_.progress.interval_seconds) {
        // What was observed: the rate over the last interval, memory against the limit; the end of a
        // breadth-first search is unknown, and a guess from bytes per state swings as the store grows in steps.
        const double secs = std::chrono::duration<double>(now - start_).count();
        const double rate = double(store_.size() - last_progress_states_) / since;
        last_progress_ = now;
        last_progress_states_ = store_.size();
        std::string limits;
        if (spec_.time_limit_seconds > 0) limits += fmt::format(" of {:.0f} s", spec_.time_limit_seconds);
        std::string memory = fmt::format("memory {} MiB", bytes >> 20);
        if (spec_.memory_limit_bytes)
            memory += fmt::format(" of {} MiB ({:.0f} %)", spec_.memory_limit_bytes >> 20,
                                  100.0 * double(bytes) / double(spec_.memory_limit_bytes));
        const std::string line = fmt::format("{}{:.2f} M states (+{:.2f} M/s), depth {}, {}, {:.0f} s{}",
                                             cluster_ ? "rank 0 of " + std::to_string(ranks_) + ": " : "",
                                             double(store_.size()) / 1e6, rate / 1e6, depth_, memory, secs, limits);
        if (spec_.progress.in_place) fmt::print(stderr, "\r{:<100}", line);
        else fmt::print(stderr, "orphancheck: progress: {}\n", line);
    }
    return false;
}

// Static cycle proviso: a socket whose moves include a back edge of its own configuration graph
// (SocketSpace::closes_cycle) never moves alone, so every cycle of the reduced graph has a fully
// expanded state and no socket is postponed forever. Among the others, a socket already under way
// goes first, so that one socket runs on rather than all taking turns.
template <int W>
int Search<W>::ample_socket(const K& k) {
    const SocketSpace& sp = spaces_[std::size_t(case_of(k))];
    int best = -1;
    for (int s = 0; s < n_; ++s) {
        const Combo c = combo(k, s);
        if (!sp.independent(c) || sp.closes_cycle(c)) continue;
        if (c != sp.initial()) return s;
        if (best < 0) best = s;
    }
    return best;
}

template <int W>
void Search<W>::expand(const Item& it, Worker& w, int t) {
    const PropertyMask wanted = spec_.properties;
    const K& k = it.key;
    PropertyMask socket_violations = 0;
    std::uint16_t ordinal = 0;  // over all successors, so that a replay by ordinal finds the same one
    std::uint64_t taken = 0;
    bool only_self = true;
    const int ample = por_ ? ample_socket(k) : -1;
    w.ample += ample >= 0 ? 1 : 0;
    AdjPart* edges = record_ ? &adj_parts_[std::size_t(t)] : nullptr;
    const std::uint64_t begin = edges ? edges->size : 0;
    for_each_successor(
        k,
        [&](const K& n, int s, const SockMove* mv) {
            if (ample >= 0 && s != ample) {
                ++ordinal;
                return;
            }
            ++taken;
            const K c = canonical_after(n, s);
            const std::uint64_t h = hash_key(c);
            if (threads_ == 1) store_.prefetch(h);  // inserted right away
            only_self = only_self && c == k;
            std::uint32_t edge = 0;
            if (edges) {  // its target's id comes in phase 2
                const std::uint8_t label =
                    mv ? edge_label(s, label_fairness(mv->label), mv->next != combo(k, s)) : kCacheRefresh;
                edge = std::uint32_t(edges->push(label));
            }
            w.out[std::size_t(store_.shard_of(h))].push_back(
                {c, h, it.id, ordinal++, mv ? PropertyMask(mv->violates) & wanted : PropertyMask(0), edge});
        },
        &socket_violations);
    w.transitions += taken;
    if (edges) {
        const std::uint64_t count = edges->size - begin;
        if (count >> kAdjCountBits) record_overflow_.store(true);
        else adj_at(it.id) = adj_pack(t, count, begin);
    }
    std::vector<bool>& seen = w.seen[std::size_t(case_of(k))];
    for (int s = 0; s < n_; ++s) {
        const Combo c = combo(k, s);
        if (c >= seen.size()) seen.resize(std::size_t(c) + 1024);
        seen[c] = true;
    }
    if (socket_violations & wanted) w.found.record(socket_violations & wanted, it.id);
    // A state whose only moves change nothing (a refused tcp_abort) is terminal too.
    if (only_self) w.found.record(properties::violated_at_terminal(view(k), wanted), it.id);
    const PropertyMask ev = properties::bit(PropertyId::eventually_destroyed);
    if ((wanted & ev) && !((found_.mask | w.found.mask) & ev) && fair_bits(k) == 0 &&
        !properties::all_finished(view(k)))
        w.found.record(ev, it.id);
}

template <int W>
void Search<W>::insert_into(int d, std::vector<Worker>& workers, Worker& w) {
    const PropertyMask wanted = spec_.properties;
    StateStore<W>& shard = store_.shard(d);
    for (std::size_t f = 0; f < workers.size(); ++f) {
        std::vector<Succ>& in = workers[f].out[std::size_t(d)];
        AdjPart* edges = record_ ? &adj_parts_[f] : nullptr;
        // Prefetch the slots, then the states they point to, a few successors ahead.
        constexpr std::size_t kAhead = 8;
        for (std::size_t i = 0; i < std::min(in.size(), kAhead); ++i) shard.prefetch(in[i].h);
        for (std::size_t i = 0; i < in.size(); ++i) {
            if (i + kAhead < in.size()) shard.prefetch(in[i + kAhead].h);
            if (i + kAhead / 2 < in.size()) shard.prefetch_candidate(in[i + kAhead / 2].h);
            const Succ& s = in[i];
            if (spec_.max_states && stored_.load(std::memory_order_relaxed) >= spec_.max_states &&
                shard.find(s.key, s.h) < 0 && !(shard.kind() == StoreKind::bitstate && shard.seen_bits(s.h))) {
                request_stop(fmt::format("state limit {} reached", spec_.max_states));
                return;
            }
            const auto [local, fresh] = shard.insert(s.key, s.h, s.parent, s.ordinal);
            if (edges) edges->target(s.edge) = store_.id(d, local);
            if (fresh) {
                const std::uint32_t id = store_.id(d, local);
                stored_.fetch_add(1, std::memory_order_relaxed);
                w.fresh.push_back({id, s.key});
                if (spec_.roles.empty()) w.raw += orbit_size(s.key);  // with roles: not derived (text_report)
                w.found.record(properties::violated_invariants(view(s.key), wanted), id);
            }
            if (s.step) w.found.record(s.step, s.parent, s.key);
        }
        in.clear();
    }
}

// One initial state per configuration case, its sockets in their roles' first configurations.
template <int W>
std::vector<typename Search<W>::K> Search<W>::initial_keys() const {
    std::vector<K> keys;
    for (std::size_t c = 0; c < spaces_.size(); ++c) {
        K k;
        k.bytes()[0] = std::uint8_t(c);
        const int n = std::min(n_, int((sizeof(K) - 4) / sizeof(Combo)));  // n_ fits K (bounds for the compiler)
        for (int s = 0; s < n; ++s) set_combo(k, s, spaces_[c].initial(spec_.role_of(s)));
        keys.push_back(canonical(k));  // sockets of different roles start in different configurations
    }
    return keys;
}

template <int W>
bool Search<W>::bfs() {
    if (cluster_) {
        Worker w;
        const bool done = bfs_distributed(w);
        seen_of(w);
        gather_results();
        return done;
    }
    std::vector<Worker> workers(static_cast<std::size_t>(threads_));
    const bool done = bfs_levels(workers);
    seen_configs_.assign(spaces_.size(), 0);
    for (std::size_t c = 0; c < spaces_.size(); ++c) {
        std::vector<bool> all;
        for (const Worker& w : workers) {
            const auto& seen = w.seen.empty() ? all : w.seen[c];
            if (seen.size() > all.size()) all.resize(seen.size());
            for (std::size_t i = 0; i < seen.size(); ++i)
                if (seen[i]) all[i] = true;
        }
        seen_configs_[c] = std::size_t(std::count(all.begin(), all.end(), true));
    }
    return done;
}

// The end of a batch: what worker w found, counted and stored moves into the search (its new states onto `next`).
template <int W>
void Search<W>::absorb(Worker& w, std::vector<Item>& next) {
    if (w.found.mask) {
        found_.merge(w.found);
        w.found = Found{};
    }
    transitions_ += std::exchange(w.transitions, 0);
    raw_states_ += std::exchange(w.raw, 0.0);
    ample_states_ += std::exchange(w.ample, 0);
    next.insert(next.end(), w.fresh.begin(), w.fresh.end());
    w.fresh.clear();
}

template <int W>
bool Search<W>::bfs_levels(std::vector<Worker>& workers) {
    const PropertyMask wanted = spec_.properties;
    if (filtered()) initial_.push_back(root_);  // a confirmation search starts from its root
    else initial_ = initial_keys();
    std::vector<Item> frontier;
    for (const K& k : initial_) {
        const std::uint32_t id = store_.insert(k, hash_key(k), ShardedStore<W>::kNoParent).first;
        stored_.fetch_add(1);
        initial_ids_.push_back(id);
        frontier.push_back({id, k});
        raw_states_ += 1;
        found_.record(properties::violated_invariants(view(k), wanted), id);
    }
    const auto T = std::size_t(threads_);
    for (Worker& w : workers) {
        w.out.resize(T);
        w.seen.resize(spaces_.size());
    }
    // One thread inserts each state's successors at once; several share out batches.
    const std::size_t batch = T == 1 ? 256 : T * 16384;
    std::size_t processed = 0;
    while (!frontier.empty()) {
        if (depth_ > 0) level_starts_.push_back(store_.size() - frontier.size());
        std::vector<Item> next;
        for (std::size_t b0 = 0; b0 < frontier.size(); b0 += batch) {
            const std::size_t b1 = std::min(frontier.size(), b0 + batch);
            frontier_bytes_ = (frontier.capacity() + next.capacity()) * sizeof(Item);
            prepare_recording();
            parallel([&](int t) {
                Worker& w = workers[std::size_t(t)];
                const std::size_t lo = b0 + (b1 - b0) * std::size_t(t) / T, hi = b0 + (b1 - b0) * std::size_t(t + 1) / T;
                for (std::size_t i = lo; i < hi && !stop_requested(); ++i) {
                    if (t == 0 && limit_hit(processed + i - lo)) return;
                    expand(frontier[i], w, t);
                }
            });
            processed += b1 - b0;
            if (stop_requested()) return false;
            parallel([&](int d) { insert_into(d, workers, workers[std::size_t(d)]); });
            if (stop_requested()) return false;
            for (Worker& w : workers) absorb(w, next);
            if (wanted != 0 && (found_.mask & wanted) == wanted) return true;  // the verdict is final
        }
        frontier.swap(next);
        if (!frontier.empty()) ++depth_;
    }
    return true;
}

}  // namespace orphancheck::checker
