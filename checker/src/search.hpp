// The search itself, for a packed state of W 64-bit words. Layout of a
// global state: byte 0 = configuration case, byte 1 = orphan counter (int8),
// byte 2 = orphan cache (tcp_orphan_cache), byte 3 = 0, then one 16-bit
// per-socket configuration (SocketSpace combo) per socket. The breadth-first
// pass is in search_bfs.hpp, the liveness pass in search_liveness.hpp,
// counterexamples and graphs in search_trace.hpp.
#pragma once

#include <csignal>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <optional>
#include <span>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>

#include "orphancheck/checker/cluster.hpp"
#include "orphancheck/checker/interrupt.hpp"
#include "orphancheck/checker/explorer.hpp"
#include "orphancheck/checker/socket_space.hpp"
#include "sharded_store.hpp"

namespace orphancheck::checker {

using properties::PropertyId;
using properties::PropertyMask;

std::uint64_t peak_rss_bytes();

template <int W>
class Search {
public:
    using K = Key<W>;

    Search(const ExploreSpec& spec, std::vector<SocketSpace>& spaces)
        : spec_(spec), spaces_(spaces), n_(spec.sockets), sym_(spec.symmetry && n_ > 1), por_(spec.por),
          threads_(spec.threads), cluster_(spec.cluster && spec.cluster->size() > 1 ? spec.cluster : nullptr),
          rank_(cluster_ ? cluster_->rank() : 0), ranks_(cluster_ ? cluster_->size() : 1),
          store_(spec.store, spec.bitstate_bytes, cluster_ ? ranks_ : spec.threads, cluster_ ? rank_ : -1) {}

    ExploreResult run(GraphSink* sink = nullptr);

private:
    using Clock = std::chrono::steady_clock;

    // Confirmation of a liveness candidate found on the symmetry quotient: a search without
    // reduction from the concrete state `root`, kept to the states whose class lies in
    // component `cid` of `outer`.
    Search(const ExploreSpec& spec, std::vector<SocketSpace>& spaces, const Search& outer, std::uint32_t cid,
           const K& root)
        : spec_(spec), spaces_(spaces), n_(spec.sockets), sym_(false), por_(false), threads_(1), outer_(&outer),
          outer_comp_(cid), root_(root), store_(spec.store, spec.bitstate_bytes, 1) {}
    struct KeyHash {
        std::size_t operator()(const Key<W>& k) const { return std::size_t(hash_key(k)); }
    };
    using KeySet = std::unordered_set<Key<W>, KeyHash>;
    // Confirmation of a component the distributed liveness pass found: the same search without reduction from
    // `root`, kept to the states whose class (canonical with `sym` as the outer search stored them) is in `within`.
    Search(const ExploreSpec& spec, std::vector<SocketSpace>& spaces, const KeySet& within, bool sym, const K& root)
        : spec_(spec), spaces_(spaces), n_(spec.sockets), sym_(false), por_(false), threads_(1), within_(&within),
          within_sym_(sym), root_(root), store_(spec.store, spec.bitstate_bytes, 1) {}

    static int case_of(const K& k) { return k.bytes()[0]; }
    static int counter_of(const K& k) { return std::int8_t(k.bytes()[1]); }
    static int cache_of(const K& k) { return k.bytes()[2]; }
    static Combo combo(const K& k, int s) {
        Combo c;
        std::memcpy(&c, k.bytes() + 4 + 2 * s, sizeof c);
        return c;
    }
    static void set_combo(K& k, int s, Combo c) { std::memcpy(k.bytes() + 4 + 2 * s, &c, sizeof c); }

    // The representative of k's permutation class: per-socket parts in ascending order.
    K canonical(K k) const { return canonical_as(k, sym_); }
    K canonical_as(K k, bool sym) const {
        if (!sym) return k;
        Combo c[kMaxSockets];
        std::memcpy(c, k.bytes() + 4, sizeof(Combo) * std::size_t(n_));
        for (int i = 1; i < n_; ++i)
            for (int j = i; j > 0 && c[j - 1] > c[j]; --j) std::swap(c[j - 1], c[j]);
        std::memcpy(k.bytes() + 4, c, sizeof(Combo) * std::size_t(n_));
        return k;
    }
    // canonical(k) for a k that is canonical but for socket s (a successor of a stored state):
    // one insertion step moves s to its place.
    K canonical_after(K k, int s) const {
        if (!sym_ || s < 0) return k;
        Combo c[kMaxSockets];
        std::memcpy(c, k.bytes() + 4, sizeof(Combo) * std::size_t(n_));
        const Combo x = c[s];
        int i = s;
        for (; i > 0 && c[i - 1] > x; --i) c[i] = c[i - 1];
        for (; i + 1 < n_ && c[i + 1] < x; ++i) c[i] = c[i + 1];
        c[i] = x;
        std::memcpy(k.bytes() + 4, c, sizeof(Combo) * std::size_t(n_));
        return k;
    }
    // How many concrete states the canonical k stands for: n! / (product of multiplicities!).
    // Each prefix gives the multinomial of the sockets so far, so the division is exact.
    double orbit_size(const K& k) const {
        if (!sym_) return 1;
        std::uint64_t size = 1;
        std::uint64_t run = 1;
        for (int s = 1; s < n_; ++s) {
            run = combo(k, s) == combo(k, s - 1) ? run + 1 : 1;
            size = size * std::uint64_t(s + 1) / run;
        }
        return double(size);
    }
    // Index of the class of successor n (-1 if it was never stored). With ranks: collective, the owner answers.
    std::int64_t find_class(const K& n) const {
        if (cluster_) return find_distributed(canonical(n));
        return store_.find(canonical(n));
    }
    // Whether a confirmation search keeps successor n.
    bool inside(const K& n) const {
        if (outer_) return outer_->component_of(n) == outer_comp_;
        return !within_ || within_->count(canonical_as(n, within_sym_)) != 0;
    }
    // Component of n's class in the liveness pass (for a confirmation search's filter).
    std::uint32_t component_of(const K& n) const {
        const std::int64_t i = find_class(n);
        return i < 0 ? 0xffffffffu : comp_[std::size_t(i)];
    }

    int gin_of(const K& k) {
        const SocketSpace& sp = spaces_[std::size_t(case_of(k))];
        int buckets = 0;
        std::uint8_t listener = 0;
        for (int s = 0; s < n_; ++s) {
            buckets += sp.holds_bucket(combo(k, s)) ? 1 : 0;
            listener |= sp.listener_bits(combo(k, s));
        }
        return sp.guard_index(cache_of(k), buckets, sp.listener_phase(listener));
    }

    // Why a socket of k breaks timer-armed, close-progress or abort-accepted ("socket 0 is FIN_WAIT2 orphan: ..."),
    // or "".
    std::string explain_enabled_at(PropertyId p, const K& k) {
        SocketSpace& sp = spaces_[std::size_t(case_of(k))];
        const int gin = gin_of(k);
        for (int s = 0; s < n_; ++s)
            if (const std::string why = properties::explain_enabled(p, sp.enabled_view(combo(k, s), gin)); !why.empty())
                return fmt::format("socket {} is {}", s, why);
        return "";
    }

    // f(successor, socket or -1 for the cache refresh, move or nullptr). With `socket_violations`,
    // also collects the per-socket state properties (timer-armed, ...) broken in k.
    template <class F>
    void for_each_successor(const K& k, F&& f, PropertyMask* socket_violations = nullptr) {
        SocketSpace& sp = spaces_[std::size_t(case_of(k))];
        const int gin = gin_of(k);
        const int counter = counter_of(k);
        for (int s = 0; s < n_; ++s) {
            const auto moves = sp.moves(combo(k, s), gin);
            if (socket_violations) *socket_violations |= sp.state_violations(combo(k, s), gin);
            for (const SockMove& mv : moves) {
                K n = k;
                set_combo(n, s, mv.next);
                const int c = counter + mv.delta;
                if (c < -kCounterLimit || c > kCounterLimit) {
                    counter_out_of_range_.store(true, std::memory_order_relaxed);
                    continue;
                }
                n.bytes()[1] = std::uint8_t(std::int8_t(c));
                if (filtered() && !inside(n)) continue;
                f(n, s, &mv);
            }
        }
        const int target = refreshed_cache(counter);
        if (cache_of(k) != target && (!por_ || sp.cache_read())) {  // an unread cache is left out
            K n = k;
            n.bytes()[2] = std::uint8_t(target);
            if (filtered() && !inside(n)) return;
            f(n, -1, nullptr);
        }
    }

    // The classes of k's successors with their hashes, appended to `out` with their slots prefetched (the
    // lookups follow); f(socket or -1, move or nullptr) for each, as for_each_successor gives them.
    template <class F>
    void successor_classes(const K& k, std::vector<std::pair<K, std::uint64_t>>& out, F&& f) {
        for_each_successor(k, [&](const K& n, int s, const SockMove* mv) {
            const K c = canonical_after(n, s);
            const std::uint64_t h = hash_key(c);
            store_.prefetch(h);
            out.emplace_back(c, h);
            f(s, mv);
        });
    }

    // Valid until the calling thread's next view().
    properties::GlobalView view(const K& k) {
        thread_local std::array<const properties::SocketView*, kMaxSockets> buf{};
        const SocketSpace& sp = spaces_[std::size_t(case_of(k))];
        for (int s = 0; s < n_; ++s) buf[std::size_t(s)] = &sp.view(combo(k, s));
        return {counter_of(k), std::span<const properties::SocketView* const>(buf.data(), std::size_t(n_))};
    }

    // Bit 4*s + class: fairness class enabled on socket s.
    std::uint64_t fair_bits(const K& k) {
        SocketSpace& sp = spaces_[std::size_t(case_of(k))];
        const int gin = gin_of(k);
        std::uint64_t b = 0;
        for (int s = 0; s < n_; ++s) b |= std::uint64_t(sp.fair_mask(combo(k, s), gin)) << (4 * s);
        return b;
    }

    // The first violation seen of each property: the state, and for a step property the
    // state the violating step leads to.
    struct Found {
        PropertyMask mask = 0;
        std::array<std::uint32_t, properties::kProperties> witness{};
        std::array<std::optional<K>, properties::kProperties> next{};
        void record(PropertyMask violated, std::uint32_t state, const std::optional<K>& to = std::nullopt) {
            for (int p = 0; p < properties::kProperties; ++p)
                if ((violated & properties::bit(PropertyId(p))) && !(mask & properties::bit(PropertyId(p)))) {
                    mask |= properties::bit(PropertyId(p));
                    witness[std::size_t(p)] = state;
                    next[std::size_t(p)] = to;
                }
        }
        void merge(const Found& o) {
            for (int p = 0; p < properties::kProperties; ++p)
                if (o.mask & properties::bit(PropertyId(p)))
                    record(properties::bit(PropertyId(p)), o.witness[std::size_t(p)], o.next[std::size_t(p)]);
        }
    };
    // A state waiting to be expanded.
    struct Item {
        std::uint32_t id;
        K key;
    };
    // A successor on its way to its shard.
    struct Succ {
        K key;
        std::uint64_t h;
        std::uint32_t parent;
        std::uint16_t ordinal;  // which successor of its parent
        PropertyMask step;      // step properties the move to it violates
        std::uint32_t edge;     // recording edges: its entry in the expanding thread's part (below 2^32)
    };
    // What one thread of the breadth-first pass produces for one batch of states.
    struct Worker {
        std::vector<std::vector<Succ>> out;  // per destination shard
        std::vector<Item> fresh;             // new states of this thread's shard
        Found found;
        std::uint64_t transitions = 0;
        double raw = 0;
        std::uint64_t ample = 0;  // expanded with one socket's moves only
        std::vector<std::vector<bool>> seen;  // per case: socket configurations in expanded states
    };

    bool bfs();
    bool bfs_levels(std::vector<Worker>& workers);
    void absorb(Worker& w, std::vector<Item>& next);
    bool filtered() const { return outer_ || within_; }
    std::vector<K> initial_keys() const;

    // Across ranks (search_distributed.hpp). Every call is collective.
    bool bfs_distributed(Worker& w);
    void seen_of(const Worker& w);
    // A limit or signal on any rank stops every rank, with the first such rank's reason.
    bool agree_stop();
    bool sync_stop();  // agree_stop after this rank's own time and signal check
    // Counts, depth, witnesses and the configurations seen, made the same on every rank.
    void gather_results();
    void agree_found();
    Found agreed_;  // across ranks: the witnesses every rank holds alike
    struct Record {
        std::uint32_t parent = 0;
        std::uint16_t ordinal = 0;
        K key{};
    };
    Record fetch(std::uint32_t id) const;  // a stored state's record, from its owner
    std::int64_t find_distributed(const K& canonical_key) const;
    [[nodiscard]] std::size_t own_states() const { return store_.shard(rank_).size(); }
    bool liveness_distributed();  // search_distributed_liveness.hpp; false when a limit stopped it
    // Weakly fair cycles through the classes of `members`, searched without reduction from the concrete end of
    // `stem`; on one, lasso_ = stem + cycle. False when a limit stopped it.
    bool confirm_within(const KeySet& members, const std::vector<K>& stem);
    // Phase 1 of a batch on thread t: the successors of `it`, sorted by shard; the state's own violations.
    void expand(const Item& it, Worker& w, int t);
    // Partial-order reduction: the socket whose moves alone are taken in k, or -1.
    int ample_socket(const K& k);
    // Phase 2 of a batch: shard d takes what every worker sent it, in worker order (and, recording edges, gives
    // each its successor's id).
    void insert_into(int d, std::vector<Worker>& workers, Worker& w);
    template <class F>
    void parallel(F&& f);  // f(thread) on threads_ threads
    bool stop_requested() const { return stop_.load(std::memory_order_relaxed); }
    void request_stop(std::string why);
    bool liveness();  // false when a limit stopped it
    std::uint64_t adjacency_bytes() const;
    bool adjacency_fits(std::uint64_t liveness_bytes) const;
    void drop_adjacency();
    void prepare_recording();  // at a batch's start: room in adj_at_ for the batch, or the recording dropped
    void emit_graph(GraphSink& sink);
    bool out_of_time();
    // Returns false when a limit stopped the confirmation of a quotient candidate.
    bool evaluate_scc(const std::vector<std::uint32_t>& members, std::uint32_t cid);
    bool may_hold_fair_cycle(std::span<const std::uint32_t> members, std::uint32_t cid);
    bool settle_scc(const std::vector<std::uint32_t>& members, std::uint32_t cid);
    // Necessary condition for a weakly fair cycle through the classes of quotient component cid.
    bool may_hold_permuted_cycle(std::span<const std::uint32_t> members, std::uint32_t cid);
    // The components with a cycle, in the order Tarjan's walk completed them: component i's members are
    // members[ends[i - 1] .. ends[i]).
    struct Components {
        std::vector<std::uint32_t> cids, members;
        std::vector<std::size_t> ends;
    };
    bool evaluate_components(const Components& cand);
    // A recorded edge's label: socket (4 bits), fairness class (3 bits), whether the socket's
    // configuration changes (1 bit); kCacheRefresh for the orphan cache's refresh.
    static constexpr std::uint8_t kCacheRefresh = 0x0f;
    static_assert(kMaxSockets < 15 && model::kFairClasses < 8, "an edge label holds a socket and a class");
    static std::uint8_t edge_label(int s, model::Fairness f, bool moves) {
        return std::uint8_t(s | int(f) << 4 | (moves ? 0x80 : 0));
    }
    template <class F>
    void for_each_stored_edge(std::uint32_t v, F&& f) const;
    struct AdjPart;
    struct AdjRange {
        const AdjPart* part;
        std::uint64_t begin, end;
    };
    AdjRange stored_edges(std::uint32_t v) const;
    template <class F>
    void for_each_internal_move(std::uint32_t u, const K& k, std::uint32_t cid, F&& f);
    bool confirm_fair_cycle(std::uint32_t s0, std::uint32_t cid);
    ExploreSpec confirmation_spec() const;
    bool finish_confirmation(Search& confirm, const std::vector<K>& stem);
    void build_lasso(const std::vector<std::uint32_t>& members, std::uint32_t cid, std::uint64_t always);
    std::vector<std::uint32_t> path_to(std::uint32_t state) const;
    // A stored state: from the store (full), else from the states at hand (initial states, the
    // component under evaluation) or by replaying the moves that reached it (lossy stores).
    K key_of(std::uint32_t i);
    // The stored states from an initial state to `state`.
    std::vector<K> stored_path(std::uint32_t state);
    std::vector<std::uint32_t> path_within(std::uint32_t from, std::uint32_t to, std::uint32_t cid, bool nonempty);
    // Concrete states along a path of stored states: the states themselves without symmetry
    // reduction, else a replay from the initial state choosing a successor of the right class
    // at each step (with `prefer` on the last step, one made by a move breaking those properties).
    std::vector<K> concrete_path(const std::vector<K>& stored, PropertyMask prefer = 0);
    // `prefer`: step properties; the last step is labelled with a move breaking one of them, if any.
    Trace make_trace(const std::vector<K>& path, int cycle_start, PropertyMask prefer = 0);
    bool limit_hit(std::size_t processed);

    const ExploreSpec& spec_;
    std::vector<SocketSpace>& spaces_;
    int n_;
    bool sym_;
    bool por_;
    int threads_;
    Cluster* cluster_ = nullptr;  // set when the search runs across ranks
    int rank_ = 0, ranks_ = 1;
    const Search* outer_ = nullptr;  // set in a confirmation search
    std::uint32_t outer_comp_ = 0;
    const KeySet* within_ = nullptr;  // set in a confirmation search of the distributed liveness pass
    bool within_sym_ = false;
    K root_{};
    ShardedStore<W> store_;
    std::vector<K> initial_;
    std::vector<std::uint32_t> initial_ids_;
    std::size_t frontier_bytes_ = 0;  // the BFS levels in memory beside the store
    std::unordered_map<std::uint32_t, K> comp_keys_;  // lossy stores: the component under evaluation
    double raw_states_ = 0;
    std::uint64_t ample_states_ = 0;
    std::vector<std::size_t> seen_configs_;  // per case: distinct socket configurations expanded
    Found found_;
    std::atomic<bool> stop_{false};
    std::atomic<std::uint64_t> stored_{0};  // states stored, for --max-states across shards
    std::vector<K> lasso_;  // eventually-destroyed cycle witness (concrete states)
    int lasso_cycle_start_ = -1;
    HugeVector<std::uint32_t> comp_;   // SCC id per state (liveness pass)
    // The explored graph's edges, recorded by the breadth-first pass for the liveness pass: state v's successors
    // are entries begin .. begin + count of part p (the thread that expanded v), adj_at_[v] packing the three.
    struct AdjPart {
        // In blocks of 2^20 entries that never move once written: no copies and no doubling while it grows.
        static constexpr int kShift = 20;
        static constexpr std::uint64_t kMask = (std::uint64_t(1) << kShift) - 1;
        std::vector<HugeBlock<std::uint32_t>> to;
        std::vector<HugeBlock<std::uint8_t>> label;
        std::uint64_t size = 0;
        std::uint64_t push(std::uint8_t l) {  // a new entry labelled l, its target to come
            if ((size & kMask) == 0) {
                to.emplace_back(std::size_t(kMask + 1));
                label.emplace_back(std::size_t(kMask + 1));
            }
            label.back()[size & kMask] = l;
            return size++;
        }
        std::uint32_t& target(std::uint64_t e) { return to[e >> kShift][e & kMask]; }
        std::uint32_t target(std::uint64_t e) const { return to[e >> kShift][e & kMask]; }
        std::uint8_t label_of(std::uint64_t e) const { return label[e >> kShift][e & kMask]; }
    };
    static constexpr int kAdjBeginBits = 40, kAdjCountBits = 16;
    static_assert(kAdjBeginBits + kAdjCountBits + 8 == 64, "a part (thread, < 256), a count and a begin fill 64 bits");
    static std::uint64_t adj_pack(int part, std::uint64_t count, std::uint64_t begin) {
        return std::uint64_t(part) << (kAdjBeginBits + kAdjCountBits) | count << kAdjBeginBits | begin;
    }
    bool record_ = false;  // the breadth-first pass records edges into adj_parts_ and adj_at_
    std::atomic<bool> record_overflow_{false};  // an entry did not fit adj_pack: the recording is dropped
    // adj_at_ in blocks of 2^20 states, added as the ids grow (never copied, never zeroed: every expanded
    // state's entry is written before it is read).
    static constexpr int kAtShift = 20;
    std::vector<HugeBlock<std::uint64_t>> adj_at_;
    std::uint64_t& adj_at(std::uint32_t v) { return adj_at_[v >> kAtShift][v & ((1u << kAtShift) - 1)]; }
    std::uint64_t adj_at(std::uint32_t v) const { return adj_at_[v >> kAtShift][v & ((1u << kAtShift) - 1)]; }
    std::vector<AdjPart> adj_parts_;
    std::uint64_t transitions_ = 0;
    std::uint32_t depth_ = 0;
    std::atomic<bool> counter_out_of_range_{false};
    std::vector<std::size_t> level_starts_;  // first state index of each BFS level
    std::string incomplete_;
    Clock::time_point start_ = Clock::now();
    Clock::time_point last_progress_ = start_;
    std::uint64_t last_progress_states_ = 0;  // states stored at the last progress line
};

template <int W>
bool Search<W>::out_of_time() {
    if (const int sig = interrupt_signal()) {
        incomplete_ = fmt::format("interrupted by {}", sig == SIGINT ? "SIGINT (Ctrl-C)" : sig == SIGTERM ? "SIGTERM"
                                                       : sig == SIGHUP ? "SIGHUP" : "a signal");
        return true;
    }
    if (spec_.time_limit_seconds <= 0) return false;
    if (std::chrono::duration<double>(Clock::now() - start_).count() <= spec_.time_limit_seconds) return false;
    incomplete_ = fmt::format("time limit {} s reached", spec_.time_limit_seconds);
    return true;
}

template <int W>
ExploreResult Search<W>::run(GraphSink* sink) {
    ExploreResult res;
    level_starts_.assign(1, 0);
    // The liveness pass will walk the explored graph: the breadth-first pass records its edges as it goes
    // (with the full store; under the partial-order reduction the pass does not run).
    record_ = spec_.record_edges && !cluster_ && !por_ && store_.kind() == StoreKind::full &&
              (spec_.properties & properties::bit(PropertyId::eventually_destroyed)) && threads_ <= 256;
    bool explored = bfs();
    if (counter_out_of_range_.load()) {
        explored = false;
        incomplete_ = fmt::format("the orphan counter left [-{0}, {0}]: the (patched) model has no finite state space",
                                  kCounterLimit);
    }
    if (sink && explored) emit_graph(*sink);
    const double explore_s = std::chrono::duration<double>(Clock::now() - start_).count();
    const PropertyMask wanted = spec_.properties;
    const PropertyMask ev = properties::bit(PropertyId::eventually_destroyed);
    double live_s = 0;
    std::string walk;  // how the one-process liveness pass met the edges, if it ran
    bool complete = explored;
    // Tarjan needs two 32-bit arrays, a bit and a component id per state.
    std::uint64_t liveness_bytes = store_.bytes() + std::uint64_t(store_.id_bound()) * 13;
    // Across ranks a rank also holds its states' forward and backward edges (9 bytes an edge, the exchange's
    // buffers included: 13) and per state offsets, colours and components (40 bytes).
    if (cluster_)
        liveness_bytes = cluster_->max(store_.bytes() + std::uint64_t(own_states()) * 40 +
                                       transitions_ / std::uint64_t(ranks_) * 13);
    if (explored && (wanted & ev) && !(found_.mask & ev) && spec_.memory_limit_bytes &&
        liveness_bytes > spec_.memory_limit_bytes) {
        complete = false;
        incomplete_ = fmt::format("memory limit {} MiB too small for the liveness pass over {} states",
                                  spec_.memory_limit_bytes >> 20, store_.size());
    } else if (explored && (wanted & ev) && !(found_.mask & ev) && store_.kind() == StoreKind::bitstate) {
        complete = false;
        incomplete_ = "the bitstate store keeps no state indices, so the liveness pass for eventually-destroyed "
                      "cannot run (use --store full or compact, or leave it out with --property)";
    } else if (explored && (wanted & ev) && !(found_.mask & ev) && por_) {
        complete = false;
        incomplete_ = "the partial-order reduction keeps safety properties only, so eventually-destroyed was not checked";
    } else if (explored && (wanted & ev) && !(found_.mask & ev)) {
        const auto t0 = Clock::now();
        if (record_ && !adjacency_fits(liveness_bytes)) drop_adjacency();
        walk = record_ ? ", over the edges the breadth-first pass recorded" : ", regenerating each state's successors";
        complete = cluster_ ? liveness_distributed() : liveness();
        live_s = std::chrono::duration<double>(Clock::now() - t0).count();
        if (!lasso_.empty()) found_.mask |= ev;
    }
    drop_adjacency();
    if (spec_.progress.on && spec_.progress.in_place) fmt::print(stderr, "\r{:100}\r", "");
    bool any_violated = false, any_unknown = false;
    for (PropertyId p : properties::all_properties()) {
        if (!(wanted & properties::bit(p))) continue;
        PropertyResult pr;
        pr.id = p;
        if (found_.mask & properties::bit(p)) {
            pr.status = Status::violated;
            if (p == PropertyId::eventually_destroyed && !lasso_.empty()) {
                pr.counterexample = make_trace(lasso_, lasso_cycle_start_);
                pr.counterexample->note = "a cycle that avoids destruction although every continuously enabled "
                                          "close()/timer event fires in it";
            } else {
                auto path = stored_path(found_.witness[std::size_t(p)]);
                if (found_.next[std::size_t(p)]) path.push_back(*found_.next[std::size_t(p)]);
                const bool step = info(p).kind == properties::PropertyKind::step;
                const PropertyMask prefer = step ? properties::bit(p) : 0;
                const auto concrete = concrete_path(path, prefer);
                pr.counterexample = make_trace(concrete, -1, prefer);
                if (step && pr.counterexample->note.empty()) pr.counterexample->note = "the last step breaks the rule";
                if (const std::string why = properties::explain_state(p, view(concrete.back())); !why.empty())
                    pr.counterexample->note = "the last state breaks the rule: " + why;
                if (const std::string why = explain_enabled_at(p, concrete.back()); !why.empty())
                    pr.counterexample->note = "the last state breaks the rule: " + why;
                if (p == PropertyId::eventually_destroyed)
                    pr.counterexample->note = "in the last state no close(), linger, timer or timewait event can "
                                              "fire: only the peer could still move";
            }
            any_violated = true;
        } else if (p == PropertyId::counter_never_negative && por_ &&
                   (found_.mask & properties::bit(PropertyId::orphan_balance))) {
            // The reduction keeps the balance (counter minus the sockets' shares) but not the counter
            // itself: a negative counter implies a broken balance, so it is decided only while the
            // balance holds.
            pr.status = Status::unknown;
            any_unknown = true;
        } else if (p == PropertyId::eventually_destroyed ? complete : explored) {
            pr.status = Status::holds;
        } else {
            pr.status = Status::unknown;
            any_unknown = true;
        }
        res.properties.push_back(std::move(pr));
    }
    // Stopping early because everything is violated still gives a final verdict.
    if (!complete) res.incomplete_reason = incomplete_;
    res.verdict = any_violated ? Verdict::fail : (any_unknown || !complete ? Verdict::incomplete : Verdict::pass);
    Stats& st = res.stats;
    st.states = store_.size();
    std::uint64_t store_bytes = store_.bytes();
    if (cluster_) {
        const std::uint64_t own = store_.shard(rank_).bytes();
        st.states = cluster_->sum(std::uint64_t(own_states()));
        store_bytes = cluster_->sum(own);
        st.ranks = ranks_;
        st.max_rank_store_bytes = cluster_->max(own);
        st.max_rank_peak_rss_bytes = cluster_->max(peak_rss_bytes());
    }
    st.raw_states = raw_states_;
    st.ample_states = ample_states_;
    st.transitions = transitions_;
    st.depth = depth_;
    st.explore_seconds = explore_s;
    st.liveness_seconds = live_s;
    if (wanted & ev)
        st.liveness_method = sym_ ? "global: weakly fair cycles searched in the whole quotient graph, candidates "
                                    "confirmed without symmetry reduction" + walk
                                  : "global: weakly fair cycles searched in the whole state graph" + walk;
    if ((wanted & ev) && cluster_)
        st.liveness_method = fmt::format(
            "global: across {} ranks, strongly connected components of the whole {} graph by trimming (OWCTY) and "
            "colouring (Orzan), the components that may hold a weakly fair cycle searched without reduction",
            ranks_, sym_ ? "quotient" : "state");
    st.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    st.states_per_second = explore_s > 0 ? double(st.states) / explore_s : 0;
    st.bytes_per_state = double(store_bytes) / double(std::max<std::uint64_t>(1, st.states));
    st.store = spec_.store;
    if (spec_.store == StoreKind::compact) st.collision_probability = store_.collision_probability();
    if (spec_.store == StoreKind::bitstate) st.expected_omissions = store_.expected_omissions();
    if (cluster_) {  // each rank's own shard; the others hold at most copies of the initial states
        const double collision = std::min(1.0, cluster_->sum(store_.shard(rank_).collision_probability()));
        const double omissions = cluster_->sum(store_.shard(rank_).expected_omissions());
        if (spec_.store == StoreKind::compact) st.collision_probability = collision;
        if (spec_.store == StoreKind::bitstate) st.expected_omissions = omissions;
    }
    st.peak_rss_bytes = peak_rss_bytes();
    for (const SocketSpace& sp : spaces_) {
        st.socket_configs += seen_configs_[std::size_t(&sp - spaces_.data())];
        st.table_locals += sp.table_locals();
        st.behaviour_fingerprint += sp.behaviour_fingerprint();
        if (spec_.collect_socket_moves) sp.local_moves(res.socket_moves);
    }
    std::sort(res.socket_moves.begin(), res.socket_moves.end());
    res.socket_moves.erase(std::unique(res.socket_moves.begin(), res.socket_moves.end()), res.socket_moves.end());
    return res;
}

}  // namespace orphancheck::checker

#include "search_bfs.hpp"
#include "search_distributed.hpp"
#include "search_distributed_liveness.hpp"
#include "search_liveness.hpp"
#include "search_trace.hpp"
