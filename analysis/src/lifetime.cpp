#include "orphancheck/analysis/lifetime.hpp"

#include <algorithm>
#include <functional>
#include <limits>
#include <queue>
#include <stdexcept>

#include <fmt/format.h>

namespace orphancheck::analysis {
namespace {
using model::TcpState;

bool gone(const properties::SocketView& v) { return v.state == TcpState::closed || v.state == TcpState::destroyed; }
bool orphan(const properties::SocketView& v) {
    return v.dead && (v.state == TcpState::fin_wait1 || v.state == TcpState::fin_wait2 ||
                      v.state == TcpState::closing || v.state == TcpState::last_ack);
}

struct Weighed {
    std::size_t to;
    Interval delay;
    checker::Label label;
};

bool is_rto(checker::Label l, model::EventKind k) { return !checker::is_env_label(l) && model::kind_of(l) == k; }

// The time-based retry kill of an orphan (retry_kill_at), where the model's count-based rows offer both the
// kill and another retransmission at an RTO expiry. Where they offer one only, it stays (the count is then
// the kernel's too, or the RTO is too large for the count to follow the time: O16).
RetryKill retry_rule(const SocketGraph& g, std::size_t u, const LifetimeQuery& q) {
    const auto offered = [&](model::EventKind k) {
        return std::any_of(g.out[u].begin(), g.out[u].end(), [&](const SocketEdge& e) { return is_rto(e.label, k); });
    };
    if (!g.views[u].dead || !offered(model::EventKind::rto_timed_out) || !offered(model::EventKind::rto_expire)) return {};
    return retry_kill_at(g.locals[u].data.retries, q.config.sysctl, q.clock);
}

// Loss is finite: the peer retransmits a segment at most this often (a loss probe and tcp_retries2 = 15
// RTO retransmissions), then gives up. Our own retransmissions are bounded by the model's retry rows.
constexpr int kPeerResends = 16;

// A move of the network alone that leaves this socket as it was (a segment of the peer lost, the peer
// sending it again): it can repeat only as often as the peer resends.
bool lost_in_network(const SocketGraph& g, std::size_t u, const Weighed& e) {
    return checker::is_env_label(e.label) && g.locals[u] == g.locals[e.to];
}

// Kosaraju: component ids in topological order of the condensation (sources first).
std::vector<int> components(const std::vector<std::vector<Weighed>>& out, const std::vector<bool>& live, int& count) {
    const std::size_t n = out.size();
    std::vector<std::vector<std::size_t>> in(n);
    for (std::size_t u = 0; u < n; ++u)
        if (live[u])
            for (const Weighed& e : out[u])
                if (live[e.to]) in[e.to].push_back(u);
    std::vector<std::size_t> order;
    std::vector<bool> seen(n, false);
    for (std::size_t s = 0; s < n; ++s) {
        if (!live[s] || seen[s]) continue;
        std::vector<std::pair<std::size_t, std::size_t>> stack{{s, 0}};
        seen[s] = true;
        while (!stack.empty()) {
            auto& [u, k] = stack.back();
            if (k < out[u].size()) {
                const std::size_t v = out[u][k++].to;
                if (live[v] && !seen[v]) {
                    seen[v] = true;
                    stack.push_back({v, 0});
                }
            } else {
                order.push_back(u);
                stack.pop_back();
            }
        }
    }
    std::vector<int> comp(n, -1);
    count = 0;
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        if (comp[*it] >= 0) continue;
        std::vector<std::size_t> stack{*it};
        comp[*it] = count;
        while (!stack.empty()) {
            const std::size_t u = stack.back();
            stack.pop_back();
            for (std::size_t v : in[u])
                if (comp[v] < 0) {
                    comp[v] = count;
                    stack.push_back(v);
                }
        }
        ++count;
    }
    return comp;
}
}  // namespace

Lifetime lifetime(const LifetimeQuery& q) {
    if (q.config.close_events.size() != 1) throw std::invalid_argument("lifetime: one close() variant at a time");
    const SocketGraph g = socket_graph(q.config, q.sockets, q.never, q.ruled_out, q.patch ? *q.patch : model::TablePatch{});
    const std::size_t n = g.views.size();
    const model::CloseOpts opts = model::close_opts_of(q.config.close_events.front());
    const auto is_close = [](checker::Label l) { return !checker::is_env_label(l) && model::kind_of(l) == model::EventKind::close; };

    // Where close() is called: the initial configuration, or the first CLOSE_WAIT reached without it.
    std::size_t start = 0;
    if (q.from == CloseFrom::close_wait) {
        std::vector<bool> seen(n, false);
        std::queue<std::size_t> todo;
        todo.push(0);
        seen[0] = true;
        start = n;
        while (!todo.empty() && start == n) {
            const std::size_t u = todo.front();
            todo.pop();
            if (g.views[u].state == TcpState::close_wait) start = u;
            for (const SocketEdge& e : g.out[u])
                if (!is_close(e.label) && !seen[e.to]) seen[e.to] = true, todo.push(e.to);
        }
        if (start == n) throw std::invalid_argument("lifetime: the peer never closes first in this case (no CLOSE_WAIT)");
    }

    // Moves with their delays; timers wait while a segment or a step of close() is due.
    std::vector<std::vector<Weighed>> out(n);
    for (std::size_t u = 0; u < n; ++u) {
        if (gone(g.views[u])) continue;  // the end
        const bool urgent = std::any_of(g.out[u].begin(), g.out[u].end(), [](const SocketEdge& e) {
            return move_timing(e.label) == MoveTiming::instant;
        });
        // A timer is armed or a segment is due: the peer's or an administrator's move comes before that, or not
        // at all, and the time until then is counted on that move (moves that keep the state do not re-arm it).
        const bool armed = std::any_of(g.out[u].begin(), g.out[u].end(), [](const SocketEdge& e) {
            return move_timing(e.label) == MoveTiming::timer;
        });
        const RetryKill rule = retry_rule(g, u, q);
        for (const SocketEdge& e : g.out[u]) {
            if (is_close(e.label) || (urgent && move_timing(e.label) == MoveTiming::timer)) continue;
            if (is_rto(e.label, model::EventKind::rto_timed_out) && !rule.may_kill) continue;
            if (is_rto(e.label, model::EventKind::rto_expire) && !rule.may_survive) continue;
            Interval d = move_delay(g.locals[u], e.label, q.config.sysctl, opts, q.seconds, q.clock);
            if ((armed || urgent) && move_timing(e.label) == MoveTiming::anytime) d = {0, 0.0};
            out[u].push_back({e.to, d, e.label});
        }
    }
    std::vector<std::size_t> starts;
    for (const SocketEdge& e : g.out[start])
        if (is_close(e.label)) starts.push_back(e.to);
    if (starts.empty()) throw std::invalid_argument("lifetime: close() is not enabled there");

    // Reachable from close(), and able to end.
    std::vector<bool> live(n, false);
    std::vector<std::size_t> stack = starts;
    for (std::size_t s : starts) live[s] = true;
    while (!stack.empty()) {
        const std::size_t u = stack.back();
        stack.pop_back();
        for (const Weighed& e : out[u])
            if (!live[e.to]) live[e.to] = true, stack.push_back(e.to);
    }
    Lifetime r;
    std::vector<bool> ends(n, false);
    for (bool changed = true; changed;) {
        changed = false;
        for (std::size_t u = 0; u < n; ++u)
            if (live[u] && !ends[u] &&
                (gone(g.views[u]) || std::any_of(out[u].begin(), out[u].end(), [&](const Weighed& e) { return ends[e.to]; })))
                ends[u] = changed = true;
    }
    for (std::size_t u = 0; u < n && r.always_gone; ++u)
        if (live[u] && !ends[u]) {
            r.always_gone = false;
            r.why_unbounded = fmt::format("a path never ends ({})", model::describe(g.locals[u]));
        }

    // Least time: Dijkstra on the lower bounds; counting every move, or only those out of an orphan.
    const auto step = [&](checker::Label label, std::size_t to, double at) {
        return PathStep{std::string(checker::label_name(label)), model::describe(g.locals[to]), at};
    };
    const auto least = [&](bool orphan_only, std::vector<PathStep>* path) {
        std::vector<double> d(n, std::numeric_limits<double>::infinity());
        std::vector<const Weighed*> via(n, nullptr);
        std::vector<std::size_t> from(n, n);
        using Item = std::pair<double, std::size_t>;
        std::priority_queue<Item, std::vector<Item>, std::greater<>> pq;
        for (std::size_t s : starts) d[s] = 0, pq.push({0, s});
        double best = std::numeric_limits<double>::infinity();
        std::size_t best_at = n;
        while (!pq.empty()) {
            const auto [du, u] = pq.top();
            pq.pop();
            if (du > d[u]) continue;
            if (gone(g.views[u]) && du < best) best = du, best_at = u;
            for (const Weighed& e : out[u]) {
                const double w = orphan_only && !orphan(g.views[u]) ? 0 : e.delay.lo;
                if (du + w < d[e.to]) d[e.to] = du + w, via[e.to] = &e, from[e.to] = u, pq.push({du + w, e.to});
            }
        }
        if (path != nullptr && best_at != n) {
            std::size_t v = best_at;
            for (; via[v] != nullptr; v = from[v]) path->push_back(step(via[v]->label, v, d[v]));
            path->push_back({"close()", model::describe(g.locals[v]), 0});
            std::reverse(path->begin(), path->end());
        }
        return best;
    };
    // Most time: longest path over the condensation; unbounded past a cycle that takes time, or a wait
    // for the peer or an administrator.
    int count = 0;
    const std::vector<int> comp = components(out, live, count);
    const auto most = [&](bool orphan_only, std::string& why, std::vector<PathStep>* path) -> std::optional<double> {
        std::vector<double> longest(static_cast<std::size_t>(count), 0.0), resent(static_cast<std::size_t>(count), 0.0);
        std::vector<std::pair<std::size_t, const Weighed*>> exit(static_cast<std::size_t>(count), {n, nullptr});
        std::vector<std::vector<std::size_t>> members(static_cast<std::size_t>(count));
        for (std::size_t u = 0; u < n; ++u)
            if (live[u]) members[std::size_t(comp[u])].push_back(u);
        for (int c = count - 1; c >= 0; --c) {
            double exits = 0, losses = 0;  // the longest way out; the longest lost segment inside
            for (std::size_t u : members[std::size_t(c)])
                for (const Weighed& e : out[u]) {
                    if (!live[e.to]) continue;
                    const bool counts = !orphan_only || orphan(g.views[u]);
                    if (counts && !e.delay.hi) {
                        why = fmt::format("{} waits for '{}'", model::describe(g.locals[u]), checker::label_name(e.label));
                        return std::nullopt;
                    }
                    const double w = counts ? *e.delay.hi : 0;
                    if (comp[e.to] == c) {
                        if (w > 0 && lost_in_network(g, u, e)) {
                            losses = std::max(losses, w);
                        } else if (w > 0) {
                            why = fmt::format("{} can repeat '{}'", model::describe(g.locals[u]), checker::label_name(e.label));
                            return std::nullopt;
                        }
                        continue;
                    }
                    if (w + longest[std::size_t(comp[e.to])] >= exits || exit[std::size_t(c)].second == nullptr) {
                        exits = w + longest[std::size_t(comp[e.to])];
                        exit[std::size_t(c)] = {u, &e};
                    }
                }
            resent[std::size_t(c)] = kPeerResends * losses;
            longest[std::size_t(c)] = exits + resent[std::size_t(c)];
        }
        double best = 0;
        std::size_t entry = starts.front();
        for (std::size_t s : starts)
            if (longest[std::size_t(comp[s])] > best) best = longest[std::size_t(comp[s])], entry = s;
        // The path: inside a component, the moves (taking no time) from where it was entered to its longest way out.
        if (path != nullptr) path->push_back({"close()", model::describe(g.locals[entry]), 0});
        for (double at = 0; path != nullptr;) {
            const std::size_t c = std::size_t(comp[entry]);
            const auto [u, e] = exit[c];
            std::vector<std::size_t> back(n, n);
            std::vector<const Weighed*> by(n, nullptr);
            std::vector<std::size_t> todo{entry};
            back[entry] = entry;
            for (std::size_t k = 0; k < todo.size() && u != n && back[u] == n; ++k)
                for (const Weighed& x : out[todo[k]])
                    if (live[x.to] && std::size_t(comp[x.to]) == c && back[x.to] == n)
                        back[x.to] = todo[k], by[x.to] = &x, todo.push_back(x.to);
            std::vector<PathStep> inside;
            for (std::size_t v = u; u != n && v != entry && back[v] != n; v = back[v]) inside.push_back(step(by[v]->label, v, at));
            path->insert(path->end(), inside.rbegin(), inside.rend());
            if (resent[c] > 0) {
                at += resent[c];
                path->push_back({"(a lost segment of the peer sent again, up to 16 times)", model::describe(g.locals[entry]), at});
            }
            if (e == nullptr) break;
            at += orphan_only && !orphan(g.views[u]) ? 0 : *e->delay.hi;
            path->push_back(step(e->label, e->to, at));
            entry = e->to;
        }
        return best;
    };
    r.gone.lo = least(false, &r.least_path);
    r.orphan.lo = least(true, nullptr);
    std::string why_orphan, why_gone;
    r.orphan.hi = r.always_gone ? most(true, why_orphan, nullptr) : std::nullopt;
    r.gone.hi = r.always_gone ? most(false, why_gone, &r.most_path) : std::nullopt;
    if (!r.gone.hi) r.most_path.clear();
    if (r.why_unbounded.empty()) r.why_unbounded = !why_gone.empty() ? why_gone : why_orphan;
    return r;
}

}  // namespace orphancheck::analysis
