// The visited set split by hash into S shards (one per search thread), so
// that threads insert without locks, each into its own shard; the same split
// would partition the search across processes. A state's id interleaves the
// shards: id = local index * S + shard, dense up to the shards' imbalance.
// With one shard the ids are the insertion order.
#pragma once

#include <algorithm>
#include <vector>

#include "state_store.hpp"

namespace orphancheck::checker {

template <int W>
class ShardedStore {
public:
    static constexpr std::uint32_t kNoParent = StateStore<W>::kNoParent;

    // With `owned` >= 0 (a rank of a distributed search) only that shard fills; the others keep their least
    // size (they hold at most copies of the initial states).
    ShardedStore(StoreKind kind, std::uint64_t bitstate_bytes, int shards, int owned = -1) {
        for (int d = 0; d < shards; ++d)
            shards_.emplace_back(kind, owned < 0 || d == owned ? bitstate_bytes / std::uint64_t(shards) : 0);
    }

    [[nodiscard]] int shards() const { return int(shards_.size()); }
    // From the hash bits above the table's slot bits (the tag), so a shard still fills its whole
    // table; a multiply-shift instead of a division.
    [[nodiscard]] int shard_of(std::uint64_t h) const { return int(((h >> 32) * shards_.size()) >> 32); }
    [[nodiscard]] StateStore<W>& shard(int d) { return shards_[std::size_t(d)]; }
    [[nodiscard]] const StateStore<W>& shard(int d) const { return shards_[std::size_t(d)]; }
    [[nodiscard]] std::uint32_t id(int d, std::uint32_t local) const {
        return local * std::uint32_t(shards_.size()) + std::uint32_t(d);
    }
    [[nodiscard]] StoreKind kind() const { return shards_.front().kind(); }

    [[nodiscard]] std::size_t size() const {
        std::size_t n = 0;
        for (const auto& s : shards_) n += s.size();
        return n;
    }
    // Every id is below this (the arrays of the liveness pass are indexed by id).
    [[nodiscard]] std::size_t id_bound() const {
        std::size_t m = 0;
        for (const auto& s : shards_) m = std::max(m, s.size());
        return m * shards_.size();
    }
    [[nodiscard]] bool exists(std::uint32_t id) const { return local(id) < at(id).size(); }
    [[nodiscard]] const Key<W>& state(std::uint32_t id) const { return at(id).state(local(id)); }
    [[nodiscard]] std::uint32_t parent(std::uint32_t id) const { return at(id).parent(local(id)); }
    [[nodiscard]] std::uint16_t ordinal(std::uint32_t id) const { return at(id).ordinal(local(id)); }

    // (id, true) when k is new; (kNoParent, false) for a known state of a bitstate store.
    std::pair<std::uint32_t, bool> insert(const Key<W>& k, std::uint64_t h, std::uint32_t parent,
                                          std::uint16_t ordinal = 0) {
        const int d = shard_of(h);
        const auto [local_idx, fresh] = shards_[std::size_t(d)].insert(k, h, parent, ordinal);
        return {local_idx == kNoParent ? kNoParent : id(d, local_idx), fresh};
    }
    [[nodiscard]] std::int64_t find(const Key<W>& k) const { return find(k, hash_key(k)); }
    [[nodiscard]] std::int64_t find(const Key<W>& k, std::uint64_t h) const {
        const int d = shard_of(h);
        const std::int64_t i = shards_[std::size_t(d)].find(k, h);
        return i < 0 ? -1 : std::int64_t(id(d, std::uint32_t(i)));
    }
    [[nodiscard]] bool seen_bits(std::uint64_t h) const { return shards_[std::size_t(shard_of(h))].seen_bits(h); }
    void prefetch(std::uint64_t h) const { shards_[std::size_t(shard_of(h))].prefetch(h); }
    void prefetch_candidate(std::uint64_t h) const { shards_[std::size_t(shard_of(h))].prefetch_candidate(h); }

    [[nodiscard]] std::uint64_t bytes() const {
        std::uint64_t b = 0;
        for (const auto& s : shards_) b += s.bytes();
        return b;
    }
    [[nodiscard]] std::uint64_t bytes_after_growth() const {
        std::uint64_t b = 0;
        for (const auto& s : shards_) b += s.bytes_after_growth();
        return b;
    }
    [[nodiscard]] double collision_probability() const {
        double p = 0;
        for (const auto& s : shards_) p += s.collision_probability();
        return std::min(1.0, p);
    }
    [[nodiscard]] double expected_omissions() const {
        double e = 0;
        for (const auto& s : shards_) e += s.expected_omissions();
        return e;
    }

private:
    [[nodiscard]] std::uint32_t local(std::uint32_t id) const { return id / std::uint32_t(shards_.size()); }
    [[nodiscard]] const StateStore<W>& at(std::uint32_t id) const { return shards_[id % shards_.size()]; }

    std::vector<StateStore<W>> shards_;
};

}  // namespace orphancheck::checker
