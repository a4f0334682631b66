#include "orphancheck/checker/compare.hpp"

#include <algorithm>
#include <array>
#include <unordered_map>

#include <fmt/format.h>

#include "orphancheck/checker/explorer.hpp"
#include "orphancheck/checker/socket_space.hpp"
#include "orphancheck/properties/property.hpp"

namespace orphancheck::checker {
namespace {

struct Global {
    int counter = 0, cache = 0;
    std::array<Combo, kMaxSockets> combos{};
};

// Observable label of a step: which socket, which event, and everything a property can read after it: the
// socket's TCP state and SOCK_DEAD, its wire and ghost (segments in flight, peer, increments, decrements,
// destroyed: the environment word), the counter change and the step properties the move breaks. Or the cache
// refresh. Two models that agree on these labels along every path agree on every property.
struct Obs {
    bool refresh = false;
    std::uint8_t socket = 0, label = 0, state = 0, flags = 0;
    std::int8_t delta = 0;
    std::uint16_t env = 0;
    properties::PropertyMask violates = 0;
    auto operator<=>(const Obs&) const = default;
    // The same socket doing the same event (whatever comes of it).
    [[nodiscard]] bool same_event(const Obs& o) const { return !refresh && !o.refresh && socket == o.socket && label == o.label; }
};
constexpr Obs kRefresh{true};

Obs observable(SocketSpace& sp, int s, const SockMove& mv) {
    const model::LocalKey k = sp.local(mv.next);
    return {false,
            std::uint8_t(s),
            mv.label,
            std::uint8_t(k.state),
            std::uint8_t((k.data.dead ? 1 : 0) | (k.data.tail ? 2 : 0) | (k.data.lingering ? 4 : 0)),
            mv.delta,
            sp.env_bits(mv.next),
            mv.violates};
}

struct Succ {
    Obs obs;
    Global next;
    const SockMove* move;  // nullptr for the cache refresh
};

bool successors(SocketSpace& sp, int n, const Global& g, std::vector<Succ>& out) {
    out.clear();
    bool in_range = true;
    int buckets = 0;
    std::uint8_t listener = 0;
    for (int s = 0; s < n; ++s) {
        buckets += sp.holds_bucket(g.combos[std::size_t(s)]) ? 1 : 0;
        listener |= sp.listener_bits(g.combos[std::size_t(s)]);
    }
    const int gin = sp.guard_index(g.cache, buckets, sp.listener_phase(listener));
    for (int s = 0; s < n; ++s)
        for (const SockMove& mv : sp.moves(g.combos[std::size_t(s)], gin)) {
            Global x = g;
            x.combos[std::size_t(s)] = mv.next;
            x.counter += mv.delta;
            if (x.counter < -kCounterLimit || x.counter > kCounterLimit) {
                in_range = false;
                continue;
            }
            out.push_back({observable(sp, s, mv), x, &mv});
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
ObservedStep observe(SocketSpace& sp, const Obs& o, const Global& g) {
    ObservedStep st;
    st.orphans = g.counter;
    if (o.refresh) {
        st.event = "orphan cache refresh (tcp_orphan_update)";
        return st;
    }
    st.socket = o.socket;
    st.event = label_name(o.label);
    const Combo c = g.combos[std::size_t(st.socket)];
    st.state = model::describe(sp.local(c));
    const std::uint16_t e = sp.env_bits(c);
    st.wire = describe_env(e);
    const properties::SocketView v = sp.view(c);
    st.ghost = fmt::format("incs={} decs={}{}", v.incs, v.decs, v.destroyed ? " destroyed" : "");
    for (int p = 0; p < properties::kProperties; ++p)
        if ((o.violates >> p) & 1u) st.breaks.emplace_back(properties::info(properties::PropertyId(p)).name);
    return st;
}

std::vector<SocketSpace> spaces_of(const ExploreSpec& spec) {
    std::vector<SocketSpace> v;
    v.reserve(spec.cases.size());
    for (const CaseConfig& c : spec.cases) v.emplace_back(c, Engine::table, spec.patch, spec.roles);
    return v;
}
}  // namespace

std::string describe_step(const ObservedStep& s) {
    if (s.socket < 0) return fmt::format("{}, orphans={}", s.event, s.orphans);
    std::string t = fmt::format("{} -> {}", s.event, s.state);
    if (!s.wire.empty()) t += fmt::format(" [{}]", s.wire);
    t += fmt::format(" {}, orphans={}", s.ghost, s.orphans);
    for (std::size_t i = 0; i < s.breaks.size(); ++i) t += (i ? ", " : ", breaks ") + s.breaks[i];
    return t;
}

Distinction distinguishing_trace(const ExploreSpec& a, const ExploreSpec& b, std::uint64_t max_pairs) {
    if (a.sockets != b.sockets || a.roles != b.roles || a.cases.size() != b.cases.size())
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
        for (int s = 0; s < n; ++s) g.combos[std::size_t(s)] = sa[c].initial(a.role_of(s));
        Global h;
        for (int s = 0; s < n; ++s) h.combos[std::size_t(s)] = sb[c].initial(b.role_of(s));
        seen.emplace(pair_key(int(c), n, g, h), std::uint32_t(nodes.size()));
        nodes.push_back({g, h, kRoot, Obs{}, std::uint8_t(c)});
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
        auto instead_of = [](const std::vector<Succ>& other, SocketSpace& sp, const Obs& o) -> std::string {
            for (const Succ& s : other)
                if (s.move && s.obs.same_event(o)) return describe_step(observe(sp, s.obs, s.next));
            return "";
        };
        // Steps (as observables) one model can take here and the other cannot. Of these, report a changed
        // outcome (the same socket and event in both) from B's side first, then a step only B can take, then
        // one only A can take. Steps both can take pair every successor of A with every successor of B.
        std::vector<const Succ*> only_a, only_b;
        std::size_t p = 0, q = 0;
        while (p < xa.size() || q < xb.size()) {
            if (q == xb.size() || (p < xa.size() && xa[p].obs < xb[q].obs)) {
                only_a.push_back(&xa[p++]);
                continue;
            }
            if (p == xa.size() || xb[q].obs < xa[p].obs) {
                only_b.push_back(&xb[q++]);
                continue;
            }
            std::size_t p2 = p, q2 = q;
            while (p2 < xa.size() && xa[p2].obs == xa[p].obs) ++p2;
            while (q2 < xb.size() && xb[q2].obs == xb[q].obs) ++q2;
            for (std::size_t x = p; x < p2; ++x)
                for (std::size_t y = q; y < q2; ++y) {
                    const auto [it, fresh] =
                        seen.emplace(pair_key(cs, n, xa[x].next, xb[y].next), std::uint32_t(nodes.size()));
                    if (fresh) nodes.push_back({xa[x].next, xb[y].next, i, xa[x].obs, std::uint8_t(cs)});
                }
            p = p2;
            q = q2;
        }
        if (only_a.empty() && only_b.empty()) continue;
        const Succ* pick = nullptr;
        for (const Succ* b : only_b)
            for (const Succ* a : only_a)
                if (!pick && b->obs.same_event(a->obs)) pick = b;
        if (!pick) pick = only_b.empty() ? only_a.front() : only_b.front();
        const int side = pick >= xb.data() && pick < xb.data() + xb.size() ? 1 : 0;
        SocketSpace& mine = (side == 0 ? sa : sb)[std::size_t(cs)];
        SocketSpace& other = (side == 0 ? sb : sa)[std::size_t(cs)];
        finish(i, observe(mine, pick->obs, pick->next), side, instead_of(side == 0 ? xb : xa, other, pick->obs));
        d.pairs = nodes.size();
        return d;
    }
    d.pairs = nodes.size();
    return d;
}

}  // namespace orphancheck::checker
