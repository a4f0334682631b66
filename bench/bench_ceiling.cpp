// The insert ceiling of the explorer's state store on this machine: what one
// thread (and T threads, one shard each, as the search runs) can insert into
// the store when nothing else is done, to compare the search's transitions/s
// against. Each thread inserts N distinct 8-byte states, then inserts R*N
// states drawn from those (the search's mix: most successors are known, the
// default check makes 9.7 transitions per state), in blocks of 32 with the
// same two-stage prefetch as the search. Prints inserts/s per thread.
//
//   bench_ceiling [--states N] [--repeat R] [--threads T]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "state_store.hpp"

using namespace orphancheck::checker;

namespace {
struct Run {
    double seconds = 0;
    std::uint64_t inserts = 0;
};

// State i of a thread: a bijective mix of i, computed rather than loaded, as a successor is.
Key<1> state(std::uint64_t i, std::uint64_t seed) {
    std::uint64_t z = i + seed * 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    Key<1> k;
    k.w[0] = z ^ (z >> 31);
    return k;
}

Run one_thread(std::uint64_t n, std::uint64_t repeat, std::uint64_t seed) {
    StateStore<1> store(StoreKind::full);
    std::mt19937_64 rng(seed);
    constexpr std::size_t kBlock = 32;
    Key<1> keys[kBlock];
    std::uint64_t hashes[kBlock];
    auto insert_block = [&](auto index_of, std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) {
            keys[i - b] = state(index_of(i), seed);
            store.prefetch(hashes[i - b] = hash_key(keys[i - b]));
        }
        for (std::size_t i = b; i < e; ++i) store.prefetch_candidate(hashes[i - b]);
        for (std::size_t i = b; i < e; ++i) store.insert(keys[i - b], hashes[i - b], 0);
    };
    const auto t0 = std::chrono::steady_clock::now();
    for (std::size_t b = 0; b < n; b += kBlock)
        insert_block([](std::size_t i) { return i; }, b, std::min<std::size_t>(n, b + kBlock));
    const std::uint64_t m = repeat * n;
    for (std::size_t b = 0; b < m; b += kBlock)
        insert_block([&](std::size_t) { return rng() % n; }, b, std::min<std::size_t>(m, b + kBlock));
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (store.size() != n) {
        std::fprintf(stderr, "bench_ceiling: %zu states stored, %llu inserted\n", store.size(), (unsigned long long)n);
        std::exit(1);
    }
    return {s, n + m};
}
}  // namespace

int main(int argc, char** argv) {
    std::uint64_t n = 4'000'000, repeat = 9;
    int threads = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        char* end = nullptr;
        const unsigned long long v = std::strtoull(argv[i + 1], &end, 10);
        if (*end || v == 0) {
            std::fprintf(stderr, "bench_ceiling: %s needs a positive number\n", a.c_str());
            return 2;
        }
        if (a == "--states") n = v;
        else if (a == "--repeat") repeat = v;
        else if (a == "--threads") threads = int(v);
        else {
            std::fprintf(stderr, "bench_ceiling: unknown option %s\n", a.c_str());
            return 2;
        }
    }
    std::vector<Run> runs(static_cast<std::size_t>(threads));
    {
        std::vector<std::jthread> pool;
        for (int t = 0; t < threads; ++t)
            pool.emplace_back([&, t] { runs[std::size_t(t)] = one_thread(n / std::uint64_t(threads), repeat, 42 + t); });
    }
    double worst = 0;
    std::uint64_t total = 0;
    for (const Run& r : runs) {
        worst = std::max(worst, r.seconds);
        total += r.inserts;
    }
    fmt::print("insert ceiling: {} thread{}, {} states, {} inserts, {:.3f} s, {:.1f} M inserts/s per thread\n", threads,
               threads == 1 ? "" : "s", n, total, worst, double(total) / worst / 1e6 / threads);
    return 0;
}
