// Breadth-first pass of Search<W> across ranks (mpirun). Rank r owns the
// states whose hash names shard r of a P-shard store, so a state's id
// (local index * P + r) means the same on every rank. Level by level, every
// rank expands its share of the frontier in batches; after each batch the
// successors travel to their owners in one all-to-all exchange and each
// owner inserts what it received in rank order (as the threads' phase 2).
// After each batch the ranks agree on stopping (a limit or signal anywhere
// stops all) and on the properties found. Counts and verdicts equal the
// one-process run's; ids and so the counterexample shown may differ.
// Everything here is collective: every rank makes the same calls in order.
#pragma once

#include <cstring>
#include <type_traits>

#include "search.hpp"

namespace orphancheck::checker {

// Trivially copyable values to and from the bytes the cluster moves.
template <class T>
void put_bytes(std::vector<std::byte>& out, const T* p, std::size_t n) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (n == 0) return;
    const std::size_t at = out.size();
    out.resize(at + n * sizeof(T));
    std::memcpy(out.data() + at, p, n * sizeof(T));
}
template <class T>
std::vector<std::byte> to_bytes(const std::vector<T>& v) {
    std::vector<std::byte> out;
    put_bytes(out, v.data(), v.size());
    return out;
}
template <class T>
std::vector<T> from_bytes(const std::vector<std::byte>& b) {
    static_assert(std::is_trivially_copyable_v<T>);
    std::vector<T> v(b.size() / sizeof(T));
    if (!v.empty()) std::memcpy(v.data(), b.data(), v.size() * sizeof(T));
    return v;
}

// The typed all-to-all: out[r] goes to rank r; returns what each rank sent here, in rank order.
template <class T>
std::vector<std::vector<T>> exchange_values(Cluster& cl, const std::vector<std::vector<T>>& out) {
    std::vector<std::vector<std::byte>> bytes(out.size());
    for (std::size_t r = 0; r < out.size(); ++r) bytes[r] = to_bytes(out[r]);
    const std::vector<std::vector<std::byte>> in = cl.exchange(bytes);
    std::vector<std::vector<T>> got(in.size());
    for (std::size_t r = 0; r < in.size(); ++r) got[r] = from_bytes<T>(in[r]);
    return got;
}

template <int W>
bool Search<W>::agree_stop() {
    const auto first = int(cluster_->min(stop_requested() ? std::uint64_t(rank_) : std::uint64_t(ranks_)));
    if (first == ranks_) return false;
    std::vector<std::byte> why;
    if (rank_ == first) put_bytes(why, incomplete_.data(), incomplete_.size());
    cluster_->broadcast(why, first);
    incomplete_.assign(reinterpret_cast<const char*>(why.data()), why.size());
    incomplete_ += fmt::format(" (rank {})", first);
    stop_.store(true);
    return true;
}

template <int W>
bool Search<W>::bfs_distributed(Worker& w) {
    Cluster& cl = *cluster_;
    const auto P = std::size_t(ranks_);
    const PropertyMask wanted = spec_.properties;
    // Every rank stores every initial state (each lands in its owner's shard at the same index everywhere, so
    // all ranks know their ids); only the owner expands it and counts it.
    std::vector<Item> frontier;
    initial_ = initial_keys();
    for (const K& k : initial_) {
        const std::uint64_t h = hash_key(k);
        const std::uint32_t id = store_.insert(k, h, ShardedStore<W>::kNoParent).first;
        initial_ids_.push_back(id);
        if (store_.shard_of(h) != rank_) continue;
        stored_.fetch_add(1);
        frontier.push_back({id, k});
        raw_states_ += 1;
        found_.record(properties::violated_invariants(view(k), wanted), id);
    }
    agree_found();  // the initial states' witnesses first: the ones of the shallowest level win
    w.out.resize(P);
    w.seen.resize(spaces_.size());
    std::vector<Worker> from(P);
    for (Worker& f : from) f.out.resize(P);
    constexpr std::size_t kBatch = 16384;
    std::size_t processed = 0;
    for (;;) {
        const std::uint64_t batches = cl.max(std::uint64_t((frontier.size() + kBatch - 1) / kBatch));
        if (batches == 0) break;
        std::vector<Item> next;
        for (std::uint64_t b = 0; b < batches; ++b) {
            const std::size_t lo = std::min(frontier.size(), b * kBatch), hi = std::min(frontier.size(), lo + kBatch);
            frontier_bytes_ = (frontier.capacity() + next.capacity()) * sizeof(Item);
            for (std::size_t i = lo; i < hi && !stop_requested(); ++i)
                if (!limit_hit(processed + i - lo)) expand(frontier[i], w, 0);
            processed += hi - lo;
            std::vector<std::vector<Succ>> in = exchange_values(cl, w.out);
            for (std::size_t r = 0; r < P; ++r) {
                w.out[r].clear();
                from[r].out[std::size_t(rank_)] = std::move(in[r]);
            }
            if (!stop_requested()) insert_into(rank_, from, w);
            if (spec_.max_states && cl.sum(std::uint64_t(own_states())) >= spec_.max_states)
                request_stop(fmt::format("state limit {} reached", spec_.max_states));
            if (agree_stop()) return false;
            absorb(w, next);
            agree_found();
            if (wanted != 0 && (agreed_.mask & wanted) == wanted) return true;  // the verdict is final
        }
        frontier.swap(next);
        if (cl.max(std::uint64_t(frontier.size())) > 0) ++depth_;
    }
    return true;
}

// The distinct socket configurations the ranks expanded, per case.
template <int W>
void Search<W>::seen_of(const Worker& w) {
    seen_configs_.assign(spaces_.size(), 0);
    for (std::size_t c = 0; c < spaces_.size(); ++c) {
        const std::vector<bool>& seen = w.seen[c];
        std::vector<std::uint8_t> all(cluster_->max(std::uint64_t(seen.size())), 0);
        for (std::size_t i = 0; i < seen.size(); ++i) all[i] = seen[i] ? 1 : 0;
        cluster_->bitwise_or(all);
        seen_configs_[c] = std::size_t(std::count(all.begin(), all.end(), std::uint8_t(1)));
    }
}

// The sums and the witnesses every rank reports alike.
template <int W>
void Search<W>::gather_results() {
    Cluster& cl = *cluster_;
    transitions_ = cl.sum(transitions_);
    raw_states_ = cl.sum(raw_states_);
    ample_states_ = cl.sum(ample_states_);
    depth_ = std::uint32_t(cl.max(std::uint64_t(depth_)));
    if (cl.max(std::uint64_t(counter_out_of_range_.load() ? 1 : 0))) counter_out_of_range_.store(true);
    agree_found();
    found_ = agreed_;
}

// The properties some rank found since the last call: for each, the lowest rank that found it gives its witness
// (and for a step property the state the step leads to). Called after every batch, so a witness comes from the
// shallowest level where any rank found one: counterexamples stay shortest.
template <int W>
void Search<W>::agree_found() {
    Cluster& cl = *cluster_;
    std::vector<std::uint8_t> mask(sizeof(PropertyMask));
    std::memcpy(mask.data(), &found_.mask, sizeof(PropertyMask));
    cl.bitwise_or(mask);
    PropertyMask all = 0;
    std::memcpy(&all, mask.data(), sizeof(PropertyMask));
    for (int p = 0; p < properties::kProperties; ++p) {
        const PropertyMask bit = properties::bit(PropertyId(p));
        if (!(all & bit) || (agreed_.mask & bit)) continue;
        const auto first = int(cl.min(found_.mask & bit ? std::uint64_t(rank_) : std::uint64_t(ranks_)));
        std::vector<std::byte> b;
        if (rank_ == first) {
            const std::uint32_t witness = found_.witness[std::size_t(p)];
            put_bytes(b, &witness, 1);
            if (const auto& next = found_.next[std::size_t(p)]) put_bytes(b, &*next, 1);
        }
        cl.broadcast(b, first);
        std::uint32_t witness = 0;
        std::memcpy(&witness, b.data(), sizeof witness);
        std::optional<K> next;
        if (b.size() > sizeof witness) {
            next.emplace();
            std::memcpy(&*next, b.data() + sizeof witness, sizeof(K));
        }
        agreed_.record(bit, witness, next);
    }
}

template <int W>
typename Search<W>::Record Search<W>::fetch(std::uint32_t id) const {
    const int owner = int(id % std::uint32_t(ranks_));
    Record r;
    std::vector<std::byte> b;
    if (rank_ == owner) {
        r.parent = store_.parent(id);
        if (store_.kind() == StoreKind::full) r.key = store_.state(id);
        else r.ordinal = store_.ordinal(id);
        put_bytes(b, &r, 1);
    }
    cluster_->broadcast(b, owner);
    std::memcpy(&r, b.data(), sizeof r);
    return r;
}

template <int W>
std::int64_t Search<W>::find_distributed(const K& canonical_key) const {
    const std::uint64_t h = hash_key(canonical_key);
    const int owner = store_.shard_of(h);
    std::int64_t id = -1;
    std::vector<std::byte> b;
    if (rank_ == owner) {
        id = store_.find(canonical_key, h);
        put_bytes(b, &id, 1);
    }
    cluster_->broadcast(b, owner);
    std::memcpy(&id, b.data(), sizeof id);
    return id;
}

}  // namespace orphancheck::checker
