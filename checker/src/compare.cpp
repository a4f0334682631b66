#include "orphancheck/checker/compare.hpp"

#include <algorithm>
#include <array>
#include <unordered_map>

#include <fmt/format.h>

#include "orphancheck/checker/explorer.hpp"
#include "orphancheck/checker/socket_space.hpp"

namespace orphancheck::checker {
namespace {

struct Global {
    int counter = 0, cache = 0;
    std::array<Combo, kMaxSockets> combos{};
};

// Observable label: socket, event label, TCP state reached, counter change; or the cache refresh.
using Obs = std::uint32_t;
constexpr Obs kRefresh = 0xff000000u;

struct Succ {
    Obs obs;
    Global next;
    const SockMove* move;  // nullptr for the cache refresh
};

// The successors of g in one model, as Search<W>::for_each_successor produces them; false when a
// move would take the counter past kCounterLimit (that move is left out).
bool successors(SocketSpace& sp, int n, const Global& g, std::vector<Succ>& out) {
    out.clear();
    bool in_range = true;
    int buckets = 0;
    for (int s = 0; s < n; ++s) buckets += sp.holds_bucket(g.combos[std::size_t(s)]) ? 1 : 0;
    const int gin = sp.guard_index(g.cache, buckets);
    for (int s = 0; s < n; ++s)
        for (const SockMove& mv : sp.moves(g.combos[std::size_t(s)], gin)) {
            Global x = g;
            x.combos[std::size_t(s)] = mv.next;
            x.counter += mv.delta;
            if (x.counter < -kCounterLimit || x.counter > kCounterLimit) {
                in_range = false;
                continue;
            }
            const Obs o = Obs(s) << 24 | Obs(mv.label) << 16 | Obs(sp.view(mv.next).state) << 8 | std::uint8_t(mv.delta);
            out.push_back({o, x, &mv});
        }
    const int target = refreshed_cache(g.counter);
    if (g.cache != target) {
        Global x = g;
        x.cache = target;
        out.push_back({kRefresh, x, nullptr});
    }
    std::sort(out.begin(), out.end(), [](const Succ& l, const Succ& r) { return l.obs < r.obs; });
    return in_range;
}

std::string pair_key(int cs, int n, const Global& a, const Global& b) {
    std::string k;
    k.reserve(std::size_t(5 + 4 * n));
    k.push_back(char(cs));
    for (const Global* g : {&a, &b}) {
        k.push_back(char(std::int8_t(g->counter)));  // |counter| <= kCounterLimit
        k.push_back(char(g->cache));
        for (int s = 0; s < n; ++s) {
            k.push_back(char(g->combos[std::size_t(s)] & 0xff));
            k.push_back(char(g->combos[std::size_t(s)] >> 8));
        }
    }
    return k;
}

// The step `o` that led to the state `g` of one model.
ObservedStep observe(SocketSpace& sp, Obs o, const Global& g) {
    ObservedStep st;
    st.orphans = g.counter;
    if (o == kRefresh) {
        st.event = "orphan cache refresh (tcp_orphan_update)";
        return st;
    }
    st.socket = int(o >> 24);
    st.event = label_name(Label((o >> 16) & 0xff));
    st.state = model::describe(sp.local(g.combos[std::size_t(st.socket)]));
    return st;
}

std::vector<SocketSpace> spaces_of(const ExploreSpec& spec) {
    std::vector<SocketSpace> v;
    v.reserve(spec.cases.size());
    for (const CaseConfig& c : spec.cases) v.emplace_back(c, Engine::table, spec.patch);
    return v;
}
}  // namespace

Distinction distinguishing_trace(const ExploreSpec& a, const ExploreSpec& b, std::uint64_t max_pairs) {
    if (a.sockets != b.sockets || a.cases.size() != b.cases.size())
        throw SpecError("the two models must be compared on the same sockets and configurations");
    const int n = a.sockets;
    auto sa = spaces_of(a), sb = spaces_of(b);
    struct Node {
        Global ga, gb;
        std::uint32_t parent;
        Obs obs;  // the step from the parent
        std::uint8_t cs;
    };
    std::vector<Node> nodes;
    std::unordered_map<std::string, std::uint32_t> seen;
    constexpr std::uint32_t kRoot = 0xffffffffu;
    for (std::size_t c = 0; c < a.cases.size(); ++c) {
        Global g;
        for (int s = 0; s < n; ++s) g.combos[std::size_t(s)] = sa[c].initial();
        Global h;
        for (int s = 0; s < n; ++s) h.combos[std::size_t(s)] = sb[c].initial();
        seen.emplace(pair_key(int(c), n, g, h), std::uint32_t(nodes.size()));
        nodes.push_back({g, h, kRoot, 0, std::uint8_t(c)});
    }
    Distinction d;
    std::vector<Succ> xa, xb;
    auto finish = [&](std::uint32_t at, ObservedStep last, int side, std::string instead) {
        d.found = true;
        d.only_in = side;
        d.config = (side == 0 ? sa : sb)[std::size_t(nodes[at].cs)].config().describe();
        for (std::uint32_t i = at; nodes[i].parent != kRoot; i = nodes[i].parent)
            d.steps.push_back(observe(sa[nodes[i].cs], nodes[i].obs, nodes[i].ga));
        std::reverse(d.steps.begin(), d.steps.end());
        d.steps.push_back(std::move(last));
        d.instead = std::move(instead);
    };
    for (std::uint32_t i = 0; i < nodes.size(); ++i) {
        if (nodes.size() >= max_pairs) {
            d.complete = false;
            break;
        }
        const int cs = nodes[i].cs;
        // A counter past its limit (a patched model) leaves the search incomplete, as in explore().
        if (!successors(sa[std::size_t(cs)], n, nodes[i].ga, xa)) d.complete = false;
        if (!successors(sb[std::size_t(cs)], n, nodes[i].gb, xb)) d.complete = false;
        // Same socket and event, different outcome: name what the other side does instead.
        auto instead_of = [](const std::vector<Succ>& other, SocketSpace& sp, Obs o) -> std::string {
            for (const Succ& s : other)
                if (s.move && (s.obs & 0xffff0000u) == (o & 0xffff0000u) && o != kRefresh) {
                    const ObservedStep st = observe(sp, s.obs, s.next);
                    return fmt::format("{} -> {}, orphans={}", st.event, st.state, st.orphans);
                }
            return "";
        };
        std::size_t p = 0, q = 0;
        while (p < xa.size() || q < xb.size()) {
            if (q == xb.size() || (p < xa.size() && xa[p].obs < xb[q].obs)) {
                finish(i, observe(sa[std::size_t(cs)], xa[p].obs, xa[p].next), 0,
                       instead_of(xb, sb[std::size_t(cs)], xa[p].obs));
                d.pairs = nodes.size();
                return d;
            }
            if (p == xa.size() || xb[q].obs < xa[p].obs) {
                finish(i, observe(sb[std::size_t(cs)], xb[q].obs, xb[q].next), 1,
                       instead_of(xa, sa[std::size_t(cs)], xb[q].obs));
                d.pairs = nodes.size();
                return d;
            }
            const auto [it, fresh] =
                seen.emplace(pair_key(cs, n, xa[p].next, xb[q].next), std::uint32_t(nodes.size()));
            if (fresh) nodes.push_back({xa[p].next, xb[q].next, i, xa[p].obs, std::uint8_t(cs)});
            ++p;
            ++q;
        }
    }
    d.pairs = nodes.size();
    return d;
}

}  // namespace orphancheck::checker
