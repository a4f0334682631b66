// Visited set of global states, in one of three modes (StoreKind):
//  - full: the packed states in BFS order (the BFS queue is the vector itself),
//    found through a flat open-addressing table of (hash tag, index + 1);
//  - compact: a 64-bit fingerprint per state instead of the state (TLC-style;
//    two states with one fingerprint would merge, the report gives the odds);
//  - bitstate: only K bits of a bit array per state (SPIN-style; no index, so
//    no liveness pass; the report gives the expected coverage).
// Every mode keeps a parent index per state for counterexamples; the lossy
// modes also keep which successor of its parent a state is (its ordinal), so
// a path is rebuilt by replaying moves from the initial state. Slot 0 of the
// table means empty, so no state value is reserved as a marker.
#pragma once

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "huge_pages.hpp"
#include "orphancheck/checker/spec.hpp"

namespace orphancheck::checker {

template <int W>
struct Key {
    std::array<std::uint64_t, W> w{};
    std::uint8_t* bytes() { return reinterpret_cast<std::uint8_t*>(w.data()); }
    [[nodiscard]] const std::uint8_t* bytes() const { return reinterpret_cast<const std::uint8_t*>(w.data()); }
    bool operator==(const Key& o) const {
        bool eq = true;
        for (int i = 0; i < W; ++i) eq &= w[std::size_t(i)] == o.w[std::size_t(i)];
        return eq;
    }
};

template <int W>
[[nodiscard]] inline std::uint64_t hash_key(const Key<W>& k) {
    return XXH3_64bits(k.w.data(), sizeof(k.w));
}

template <int W>
class StateStore {
public:
    static constexpr std::uint32_t kNoParent = 0xffffffffu;
    static constexpr int kBitHashes = 3;

    explicit StateStore(StoreKind kind = StoreKind::full, std::uint64_t bitstate_bytes = 0) : kind_(kind) {
        if (kind_ == StoreKind::bitstate) {
            // A power of two, at least 1 MiB.
            std::uint64_t words = std::max<std::uint64_t>(1u << 17, std::bit_floor(bitstate_bytes / 8));
            bits_.assign(words, 0);
        } else {
            slots_.assign(1u << 16, 0);
        }
    }

    [[nodiscard]] StoreKind kind() const { return kind_; }
    [[nodiscard]] std::size_t size() const { return parents_.size(); }
    [[nodiscard]] const Key<W>& state(std::size_t i) const { return states_[i]; }  // full only
    [[nodiscard]] std::uint32_t parent(std::size_t i) const { return parents_[i]; }
    [[nodiscard]] std::uint16_t ordinal(std::size_t i) const { return ordinals_[i]; }  // lossy modes only

    void prefetch(std::uint64_t h) const {
        if (kind_ == StoreKind::bitstate) __builtin_prefetch(&bits_[(h >> 6) & (bits_.size() - 1)]);
        else __builtin_prefetch(&slots_[h & (slots_.size() - 1)]);
    }
    // Second stage: once the slot is in cache, prefetch the state it points to
    // (most successors are already known, and comparing them needs the state).
    void prefetch_candidate(std::uint64_t h) const {
        if (kind_ == StoreKind::bitstate) return;
        const std::uint64_t s = slots_[h & (slots_.size() - 1)];
        if (s != 0 && (s & 0xffffffff00000000ull) == (h & 0xffffffff00000000ull)) {
            if (kind_ == StoreKind::full) __builtin_prefetch(&states_[(s & 0xffffffffu) - 1]);
            else __builtin_prefetch(&fps_[(s & 0xffffffffu) - 1]);
        }
    }

    // Returns (index, true) when k is new. `ordinal`: which successor of `parent` k is.
    std::pair<std::uint32_t, bool> insert(const Key<W>& k, std::uint64_t h, std::uint32_t parent,
                                          std::uint16_t ordinal = 0) {
        if (kind_ == StoreKind::bitstate) return insert_bits(h, parent, ordinal);
        if ((size() + 1) * 10 > slots_.size() * 7) grow();
        const std::size_t mask = slots_.size() - 1;
        const std::uint64_t tag = h & 0xffffffff00000000ull;
        for (std::size_t pos = h & mask;; pos = (pos + 1) & mask) {
            const std::uint64_t s = slots_[pos];
            if (s == 0) {
                const auto idx = std::uint32_t(size());
                slots_[pos] = tag | (std::uint64_t(idx) + 1);
                if (kind_ == StoreKind::full) {
                    states_.push_back(k);
                } else {
                    fps_.push_back(h);
                    ordinals_.push_back(ordinal);
                }
                parents_.push_back(parent);
                return {idx, true};
            }
            if ((s & 0xffffffff00000000ull) == tag) {
                const auto idx = std::uint32_t((s & 0xffffffffu) - 1);
                if (same(idx, k, h)) return {idx, false};
            }
        }
    }

    // Index of k, -1 if absent (not available in bitstate mode: always -1).
    [[nodiscard]] std::int64_t find(const Key<W>& k) const { return find(k, hash_key(k)); }
    [[nodiscard]] std::int64_t find(const Key<W>& k, std::uint64_t h) const {
        if (kind_ == StoreKind::bitstate) return -1;
        const std::size_t mask = slots_.size() - 1;
        const std::uint64_t tag = h & 0xffffffff00000000ull;
        for (std::size_t pos = h & mask;; pos = (pos + 1) & mask) {
            const std::uint64_t s = slots_[pos];
            if (s == 0) return -1;
            if ((s & 0xffffffff00000000ull) == tag) {
                const auto idx = std::uint32_t((s & 0xffffffffu) - 1);
                if (same(idx, k, h)) return idx;
            }
        }
    }
    // Bitstate: whether all of k's bits are set (k, or a state sharing its bits, was seen).
    [[nodiscard]] bool seen_bits(std::uint64_t h) const {
        for (int j = 0; j < kBitHashes; ++j) {
            const std::uint64_t b = bit_of(h, j);
            if (!(bits_[b >> 6] & (std::uint64_t(1) << (b & 63)))) return false;
        }
        return true;
    }

    // What the store would hold after its next growth step (vectors and table doubling).
    [[nodiscard]] std::uint64_t bytes_after_growth() const {
        return kind_ == StoreKind::bitstate ? bytes() + records_bytes() : 2 * bytes();
    }

    [[nodiscard]] std::uint64_t bytes() const {
        return states_.capacity() * sizeof(Key<W>) + fps_.capacity() * sizeof(std::uint64_t) + records_bytes() +
               slots_.capacity() * sizeof(std::uint64_t) + bits_.capacity() * sizeof(std::uint64_t);
    }

    // compact: probability that two of the stored states share a fingerprint, so that one
    // of them (and what only it leads to) was never explored: n(n-1)/2 / 2^64.
    [[nodiscard]] double collision_probability() const {
        const double n = double(size());
        return std::min(1.0, n * (n - 1) / 2 / std::ldexp(1.0, 64));
    }
    // bitstate: expected number of new states wrongly taken as seen (the sum, over the stored
    // states, of the chance that all their bits were already set when they arrived).
    [[nodiscard]] double expected_omissions() const { return expected_omissions_; }

private:
    bool same(std::uint32_t idx, const Key<W>& k, std::uint64_t h) const {
        return kind_ == StoreKind::full ? states_[idx] == k : fps_[idx] == h;
    }
    std::uint64_t bit_of(std::uint64_t h, int j) const {
        // Double hashing: the low and high halves of the 64-bit hash (odd step).
        const std::uint64_t m = bits_.size() * 64;
        return (h + std::uint64_t(j) * ((h >> 32) | 1) * 0x9e3779b97f4a7c15ull) & (m - 1);
    }
    std::pair<std::uint32_t, bool> insert_bits(std::uint64_t h, std::uint32_t parent, std::uint16_t ordinal) {
        bool fresh = false;
        for (int j = 0; j < kBitHashes; ++j) {
            const std::uint64_t b = bit_of(h, j);
            std::uint64_t& w = bits_[b >> 6];
            const std::uint64_t bit = std::uint64_t(1) << (b & 63);
            if (!(w & bit)) {
                fresh = true;
                w |= bit;
                ++bits_set_;
            }
        }
        if (!fresh) return {kNoParent, false};
        const double fill = double(bits_set_) / double(bits_.size() * 64);
        expected_omissions_ += std::pow(fill, kBitHashes);
        parents_.push_back(parent);
        ordinals_.push_back(ordinal);
        return {std::uint32_t(size() - 1), true};
    }
    [[nodiscard]] std::uint64_t records_bytes() const {
        return parents_.capacity() * sizeof(std::uint32_t) + ordinals_.capacity() * sizeof(std::uint16_t);
    }
    void grow() {
        HugeVector<std::uint64_t> bigger(slots_.size() * 2, 0);
        const std::size_t mask = bigger.size() - 1;
        for (std::uint64_t s : slots_) {
            if (s == 0) continue;
            const std::uint32_t idx = std::uint32_t((s & 0xffffffffu) - 1);
            const std::uint64_t h = kind_ == StoreKind::full ? hash_key(states_[idx]) : fps_[idx];
            std::size_t pos = h & mask;
            while (bigger[pos] != 0) pos = (pos + 1) & mask;
            bigger[pos] = s;
        }
        slots_.swap(bigger);
    }

    StoreKind kind_;
    HugeVector<Key<W>> states_;          // full
    HugeVector<std::uint64_t> fps_;      // compact
    HugeVector<std::uint32_t> parents_;
    HugeVector<std::uint16_t> ordinals_;  // compact, bitstate
    HugeVector<std::uint64_t> slots_;    // full, compact
    HugeVector<std::uint64_t> bits_;     // bitstate
    std::uint64_t bits_set_ = 0;
    double expected_omissions_ = 0;
};

}  // namespace orphancheck::checker
