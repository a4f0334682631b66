// Visited set of packed global states: states in BFS order (the BFS queue
// is the vector itself), a parent index per state for counterexamples, and
// a flat open-addressing table of (hash tag, index + 1). Slot 0 means empty,
// so no state value is reserved as a marker.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#define XXH_INLINE_ALL
#include <xxhash.h>

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

    StateStore() { slots_.assign(1u << 16, 0); }

    [[nodiscard]] std::size_t size() const { return states_.size(); }
    [[nodiscard]] const Key<W>& state(std::size_t i) const { return states_[i]; }
    [[nodiscard]] std::uint32_t parent(std::size_t i) const { return parents_[i]; }

    void prefetch(std::uint64_t h) const { __builtin_prefetch(&slots_[h & (slots_.size() - 1)]); }
    // Second stage: once the slot is in cache, prefetch the state it points to
    // (most successors are already known, and comparing them needs the state).
    void prefetch_candidate(std::uint64_t h) const {
        const std::uint64_t s = slots_[h & (slots_.size() - 1)];
        if (s != 0 && (s & 0xffffffff00000000ull) == (h & 0xffffffff00000000ull))
            __builtin_prefetch(&states_[(s & 0xffffffffu) - 1]);
    }

    // Returns (index, true) when k is new.
    std::pair<std::uint32_t, bool> insert(const Key<W>& k, std::uint64_t h, std::uint32_t parent) {
        if ((states_.size() + 1) * 10 > slots_.size() * 7) grow();
        const std::size_t mask = slots_.size() - 1;
        const std::uint64_t tag = h & 0xffffffff00000000ull;
        for (std::size_t pos = h & mask;; pos = (pos + 1) & mask) {
            const std::uint64_t s = slots_[pos];
            if (s == 0) {
                const auto idx = std::uint32_t(states_.size());
                slots_[pos] = tag | (std::uint64_t(idx) + 1);
                states_.push_back(k);
                parents_.push_back(parent);
                return {idx, true};
            }
            if ((s & 0xffffffff00000000ull) == tag) {
                const auto idx = std::uint32_t((s & 0xffffffffu) - 1);
                if (states_[idx] == k) return {idx, false};
            }
        }
    }

    [[nodiscard]] std::int64_t find(const Key<W>& k) const { return find(k, hash_key(k)); }
    [[nodiscard]] std::int64_t find(const Key<W>& k, std::uint64_t h) const {
        const std::size_t mask = slots_.size() - 1;
        const std::uint64_t tag = h & 0xffffffff00000000ull;
        for (std::size_t pos = h & mask;; pos = (pos + 1) & mask) {
            const std::uint64_t s = slots_[pos];
            if (s == 0) return -1;
            if ((s & 0xffffffff00000000ull) == tag) {
                const auto idx = std::uint32_t((s & 0xffffffffu) - 1);
                if (states_[idx] == k) return idx;
            }
        }
    }

    // What the store would hold after its next growth step (vectors and table doubling).
    [[nodiscard]] std::uint64_t bytes_after_growth() const { return 2 * bytes(); }

    [[nodiscard]] std::uint64_t bytes() const {
        return states_.capacity() * sizeof(Key<W>) + parents_.capacity() * sizeof(std::uint32_t) +
               slots_.capacity() * sizeof(std::uint64_t);
    }

private:
    void grow() {
        std::vector<std::uint64_t> bigger(slots_.size() * 2, 0);
        const std::size_t mask = bigger.size() - 1;
        for (std::uint64_t s : slots_) {
            if (s == 0) continue;
            const std::uint64_t h = hash_key(states_[(s & 0xffffffffu) - 1]);
            std::size_t pos = h & mask;
            while (bigger[pos] != 0) pos = (pos + 1) & mask;
            bigger[pos] = s;
        }
        slots_.swap(bigger);
    }

    std::vector<Key<W>> states_;
    std::vector<std::uint32_t> parents_;
    std::vector<std::uint64_t> slots_;
};

}  // namespace orphancheck::checker
