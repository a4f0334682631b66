#include "orphancheck/conform/trace_check.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <set>

namespace orphancheck::conform {
namespace {
// Sampling: a sample's time is when its dump ended; the dump itself takes a few milliseconds.
constexpr double kSampleSlack = 0.005;
// An observation seen for longer than this cannot be explained by configurations that all have a
// segment or a step of close() due (each lasts at most Clock::instant).
constexpr double kRestAfter = 0.1;

struct Step {
    Observation obs;
    double first, last;  // times of its first and last sample
    bool reset = false;  // entered by the kernel's retry count falling back to 0 (the observation stayed)
    std::size_t run = 0;  // the first step of the run of steps with this observation (itself, unless reset or rise)
    bool rise = false;   // entered by a request's SYN-ACK or a connecting socket's SYN count rising (the observation stayed)
};

// Repeats are one step, unless the retry count went back to 0 between them: a new step of the same run.
std::vector<Step> collapse(std::span<const TimedObservation> trace) {
    std::vector<Step> out;
    for (const TimedObservation& o : trace)
        if (out.empty() || out.back().obs != o.obs)
            out.push_back({o.obs, o.t, o.t, false, out.size()});
        else if (o.retries_reset)
            out.push_back({o.obs, o.t, o.t, true, out.back().run});
        else if (o.retries_rise)
            out.push_back({o.obs, o.t, o.t, false, out.back().run, true});
        else
            out.back().last = o.t;
    return out;
}

// The two rows of an OOM kill at an RTO expiry (see necessary_rows).
std::optional<model::RowId> rto_oom_twin(model::RowId r) {
    using R = model::RowId;
    switch (r) {
        case R::rto_fin_wait1_oom: return R::timeout_fin_wait1_oom;
        case R::timeout_fin_wait1_oom: return R::rto_fin_wait1_oom;
        case R::rto_closing_oom: return R::timeout_closing_oom;
        case R::timeout_closing_oom: return R::rto_closing_oom;
        case R::rto_last_ack_oom: return R::timeout_last_ack_oom;
        case R::timeout_last_ack_oom: return R::rto_last_ack_oom;
        default: return std::nullopt;
    }
}

constexpr int kNone = -1;
constexpr int kSource = -2;
struct Parent {
    int from = kNone;  // kNone: not reached; kSource: in the previous level's set
    int edge = 0;      // kSource: the node of the previous level it stands for (-1 at the first level)
};

// A search node: a configuration, whether the socket has rested in the current observation yet, and (in a
// step entered by a retry reset) whether the model has reset its retry count in this step.
int node(std::size_t c, bool rest, bool reset) { return int(4 * c + (reset ? 2 : 0) + (rest ? 1 : 0)); }
std::size_t config_of(int v) { return std::size_t(v) / 4; }
bool rest_of(int v) { return (v & 1) != 0; }
bool reset_of(int v) { return (v & 2) != 0; }
}  // namespace

ObservedModel::ObservedModel(const analysis::SocketGraph& g, const model::SysctlConfig& sysctl, model::CloseOpts opts,
                             analysis::OptionSeconds seconds, const analysis::Clock& clock, model::SlotRole role)
    : start_(g.initial[std::size_t(role)]) {
    const std::size_t n = g.views.size();
    out_.resize(n);
    carried_.assign(n, false);
    for (std::size_t i = 0; i < n; ++i) {
        obs_.push_back(observe(g.views[i]));
        retries_.push_back(g.locals[i].data.retries);
        closed_.push_back(g.views[i].dead || g.views[i].destroyed);
        calm_.push_back(std::none_of(g.out[i].begin(), g.out[i].end(), [](const analysis::SocketEdge& e) {
            return analysis::move_timing(e.label) == analysis::MoveTiming::instant;
        }));
        // While the listener listens, what its out-of-LISTEN moves would make due is not (a queued child rests
        // in the accept queue until the listener's close() forgets it).
        calm_listening_.push_back(std::none_of(g.out[i].begin(), g.out[i].end(), [](const analysis::SocketEdge& e) {
            return !e.needs_listener_closed() && analysis::move_timing(e.label) == analysis::MoveTiming::instant;
        }));
    }
    for (std::size_t i = 0; i < n; ++i)
        for (const analysis::SocketEdge& e : g.out[i]) {
            double least = analysis::move_delay(g.locals[i], e.label, sysctl, opts, seconds, clock).lo;
            const Observation to = obs_[e.to];
            const std::optional<model::EventKind> kind =
                checker::is_env_label(e.label) ? std::nullopt : std::optional(model::kind_of(e.label));
            const bool close = kind == model::EventKind::close;
            const bool listen_stop_end =
                !checker::is_env_label(e.label) && model::kind_of(e.label) == model::EventKind::listen_stop_end;
            const bool shutdown = kind && model::info(*kind).source == model::Source::shutdown_call;
            // The retransmit and linger timers run across state changes: the k-th FIN retransmission comes
            // RTO_MIN * 2^(k-1) after the FIN was sent (by shutdown(), or else close()) at the earliest (the
            // first may be a loss probe, which does not back off), the end of the linger wait SO_LINGER
            // seconds after close().
            const model::Timing timing = checker::label_timing(e.label);
            Since since = Since::entry;
            if (timing == model::Timing::rto && least > 0) {
                since = Since::fin;
                least = clock.rto_min * std::pow(2.0, g.locals[i].data.retries);
            }
            if (timing == model::Timing::linger && least > 0) since = Since::close;
            // close() after shutdown() keeps the state, and the timers armed in it run on.
            if (close && g.views[i].state == g.views[e.to].state) carried_[e.to] = true;
            if (close && to.kind == Observation::Kind::socket && to.orphan) {
                // close() in two halves, the new state first, then sock_orphan()
                const auto mid = std::uint32_t(obs_.size());
                obs_.push_back({Observation::Kind::socket, to.state, false});
                retries_.push_back(retries_[e.to]);
                calm_.push_back(false);
                calm_listening_.push_back(false);
                closed_.push_back(false);
                carried_.push_back(carried_[e.to]);
                out_.push_back({{e.to, e.label, model::RowId::none, model::RowId::none, 0, false, true}});
                out_[i].push_back({mid, e.label, e.row1, e.row2, least, true});
                out_[i].back().after_listener_close = e.needs_listener_closed();
            } else if (listen_stop_end && obs_[i].kind == Observation::Kind::socket && to.kind == Observation::Kind::gone) {
                // the listener's close() past inet_csk_listen_stop: sock_orphan, then the tail destroys it; a
                // dump in between lists it as CLOSE orphan (seen in listen-requests-expire, 2026-12-08, for 5 ms)
                const auto mid = std::uint32_t(obs_.size());
                obs_.push_back({Observation::Kind::socket, obs_[i].state, true});
                retries_.push_back(retries_[e.to]);
                calm_.push_back(false);
                calm_listening_.push_back(false);
                closed_.push_back(true);
                carried_.push_back(false);
                out_.push_back({{e.to, e.label, model::RowId::none, model::RowId::none, 0, false, true}});
                out_[i].push_back({mid, e.label, e.row1, e.row2, least, false, false, since, shutdown,
                                   e.needs_listener_closed()});
            } else {
                out_[i].push_back({e.to, e.label, e.row1, e.row2, least, close, false, since, shutdown,
                                   e.needs_listener_closed()});
            }
        }
    // ... and through the rest of that close() (sock_orphan, the tail, release_sock) while the state stays.
    const auto rest_of_close = [](const Edge& e) {
        if (e.orphaning) return true;
        if (checker::is_env_label(e.label)) return false;
        const model::Stimulus what = model::stimulus_of(model::kind_of(e.label));
        return what == model::Stimulus::close_tail || what == model::Stimulus::release_sock;
    };
    std::vector<std::size_t> todo;
    for (std::size_t u = 0; u < carried_.size(); ++u)
        if (carried_[u]) todo.push_back(u);
    while (!todo.empty()) {
        const std::size_t u = todo.back();
        todo.pop_back();
        for (const Edge& e : out_[u])
            if (!carried_[e.to] && rest_of_close(e) && obs_[e.to].state == obs_[u].state) {
                carried_[e.to] = true;
                todo.push_back(e.to);
            }
    }
}

TraceCheck ObservedModel::check(std::span<const TimedObservation> raw, AppCalls calls,
                                std::span<const model::RowId> without) const {
    const double closed_at = calls.close_at;
    const double fin_at = calls.shutdown_at >= 0 ? calls.shutdown_at : closed_at;
    const std::vector<Step> trace = collapse(raw);
    TraceCheck result;
    const std::size_t n = obs_.size();
    if (trace.empty()) return result;
    if (obs_[start_] != trace[0].obs) {
        result.allowed_next = {obs_[start_]};
        return result;
    }
    const auto usable = [&](const Edge& e) {
        return std::none_of(without.begin(), without.end(), [&](model::RowId r) { return e.row1 == r || e.row2 == r; });
    };
    const double never = std::numeric_limits<double>::infinity();
    // The longest the socket can have stayed in one observation: from the last sample before it (before its
    // run: a retry reset does not end the observation) to the first after. `back` 2: in that observation and
    // the one before it (a timer armed before a close() that kept the state).
    const auto since_sample = [&](std::size_t i, std::size_t back) {
        std::size_t j = trace[i].run;
        for (std::size_t k = 1; k < back && j > 0; ++k) j = trace[j - 1].run;
        return j == 0 ? 0 : trace[j - 1].last;
    };
    const auto stay = [&](std::size_t i, std::size_t back) {
        return (i + 1 < trace.size() ? trace[i + 1].first : never) - since_sample(i, back) + kSampleSlack;
    };
    // Seen for longer than a few instant moves take: the socket rested in a configuration with none due.
    const auto rested = [&](std::size_t i) { return trace[i].last - trace[trace[i].run].first > kRestAfter; };
    // The model's retry count goes from above 0 to 0 on this move (within one observation).
    const auto resets = [&](std::size_t u, const Edge& e) { return retries_[u] > 0 && retries_[e.to] == 0; };
    // ... or raises it (a request socket's SYN-ACK or a connecting socket's SYN sent again), by the sample that
    // showed the rise.
    const auto rises = [&](std::size_t i, std::size_t u, const Edge& e) {
        const double by = trace[i].first - since_sample(i, carried_[u] ? 2 : 1) + kSampleSlack;
        return retries_[e.to] > retries_[u] && (e.since != Since::entry || e.least <= by);
    };
    // The step needs that move of the retry count: a reset, or a rise.
    const auto moves_count = [&](std::size_t i, std::size_t u, const Edge& e) {
        return (trace[i].reset && resets(u, e)) || (trace[i].rise && rises(i, u, e));
    };
    std::vector<std::vector<Parent>> levels;
    std::vector<int> current;  // nodes that show observation i-1
    for (std::size_t i = 0; i < trace.size(); ++i) {
        std::vector<Parent> parent(4 * n);
        std::vector<int> queue;
        if (i == 0) {
            queue.push_back(node(start_, calm_listening_[start_], false));
            parent[std::size_t(queue.back())] = {kSource, -1};
        } else {
            for (int q : current) {  // each level counts its own reset
                const int v = node(config_of(q), rest_of(q), false);
                if (parent[std::size_t(v)].from != kNone) continue;
                parent[std::size_t(v)] = {kSource, q};
                queue.push_back(v);
            }
        }
        const Observation* before = i == 0 ? nullptr : &trace[i - 1].obs;
        const Observation& target = trace[i].obs;
        for (std::size_t q = 0; q < queue.size(); ++q) {
            const std::size_t u = config_of(queue[q]);
            const bool rest = rest_of(queue[q]);
            const bool reset = reset_of(queue[q]);
            const bool at_target = obs_[u] == target;
            const bool sampled = at_target || (before != nullptr && obs_[u] == *before);
            // How long u can have lasted: its observation's stay, or (unsampled) the gap between the two samples;
            // after a close() that kept the state, with the time before it.
            const std::size_t back = carried_[u] ? 2 : 1;
            const double longest = at_target ? stay(i, back)
                                   : sampled ? stay(i - 1, back)
                                             : trace[i].first - since_sample(i, back) + kSampleSlack;
            // When a move out of u can have happened: after the sample before u's observation, before the one after.
            const std::size_t obs_index = at_target || !sampled ? i : i - 1;
            const double earliest = (obs_index == 0 ? 0 : trace[obs_index - 1].last) - kSampleSlack;
            const double latest = at_target ? (i + 1 < trace.size() ? trace[i + 1].first : never) : trace[i].first;
            const auto may_call = [&](double at) { return at >= 0 && at >= earliest && at <= latest + kSampleSlack; };
            const bool may_close = may_call(closed_at);
            const bool may_shutdown = may_call(calls.shutdown_at);
            // Leaving a long-seen observation needs a configuration it rested in.
            const bool may_leave = at_target ? (rest || !rested(i)) : !sampled || rest || !rested(i - 1);
            for (std::size_t k = 0; k < out_[u].size(); ++k) {
                const Edge& e = out_[u][k];
                const double since = e.since == Since::close ? closed_at : e.since == Since::fin ? fin_at : 0;
                const bool too_soon = e.since != Since::entry ? since < 0 || latest - since + kSampleSlack < e.least
                                                              : e.least > longest;
                // A move under a listener out of LISTEN: not before the listener's close().
                const bool before_listener_close =
                    e.after_listener_close && (closed_at < 0 || closed_at > latest + kSampleSlack);
                if (!usable(e) || too_soon || (e.close && !may_close) || (e.shutdown && !may_shutdown) ||
                    before_listener_close)
                    continue;
                const bool same = obs_[e.to] == obs_[u];
                if (at_target && !same) continue;  // the next level's business
                if (!same && !may_leave) continue;
                // Entered while the listener may still listen (before its close()): calm as such.
                const bool calm = closed_at < 0 || earliest < closed_at ? calm_listening_[e.to] : calm_[e.to];
                const int v = node(e.to, (same && rest) || calm, reset || moves_count(i, u, e));
                if (parent[std::size_t(v)].from != kNone) continue;
                parent[std::size_t(v)] = {queue[q], int(k)};
                queue.push_back(v);
            }
        }
        // At the end: rested if seen for long, and past close() if the application called it a while before.
        const bool must_have_closed = closed_at >= 0 && trace.back().last > closed_at + kRestAfter;
        const auto may_end = [&](int v) {
            return (rest_of(v) || !rested(i)) && (!must_have_closed || closed_[config_of(v)]);
        };
        // A step entered by a retry reset is shown only by nodes that reset the count in it.
        std::vector<int> next;
        for (int v : queue) {
            const bool shown = obs_[config_of(v)] == target && (!(trace[i].reset || trace[i].rise) || reset_of(v));
            if (shown && (i + 1 < trace.size() || may_end(v))) next.push_back(v);
        }
        if (next.empty()) {
            result.explained = i;
            result.allowed_next = i == 0 ? std::vector<Observation>{obs_[start_]} : onward(current, usable);
            return result;
        }
        levels.push_back(std::move(parent));
        current = std::move(next);
    }
    result.agree = true;
    result.explained = trace.size();
    // Witness: walk back from a node of the last level, level by level.
    int v = current.front();
    for (std::size_t i = levels.size(); i-- > 0;) {
        while (levels[i][std::size_t(v)].from != kSource) {
            const int u = levels[i][std::size_t(v)].from;
            const Edge& e = out_[config_of(u)][std::size_t(levels[i][std::size_t(v)].edge)];
            result.witness.push_back({e.orphaning ? "sock_orphan() inside close()" : checker::label_name(e.label),
                                      e.row1, e.row2, obs_[config_of(v)]});
            v = u;
        }
        v = levels[i][std::size_t(v)].edge;  // the previous level's node
    }
    std::reverse(result.witness.begin(), result.witness.end());
    return result;
}

template <class Usable>
std::vector<Observation> ObservedModel::onward(const std::vector<int>& from, Usable usable) const {
    // Every observation one visible step away, whatever the time: what the model would have allowed.
    std::set<Observation> seen;
    std::vector<bool> visited(obs_.size(), false);
    std::vector<std::size_t> stack;
    for (int v : from) stack.push_back(config_of(v));
    const Observation here = obs_[stack.front()];
    while (!stack.empty()) {
        const std::size_t u = stack.back();
        stack.pop_back();
        if (visited[u]) continue;
        visited[u] = true;
        for (const Edge& e : out_[u]) {
            if (!usable(e)) continue;
            if (obs_[e.to] == here)
                stack.push_back(e.to);
            else
                seen.insert(obs_[e.to]);
        }
    }
    return {seen.begin(), seen.end()};
}

std::vector<model::RowId> ObservedModel::necessary_rows(std::span<const TimedObservation> trace, AppCalls calls) const {
    std::set<model::RowId> used;
    for (const WitnessStep& s : check(trace, calls).witness)
        for (model::RowId r : {s.row1, s.row2})
            if (r != model::RowId::none) used.insert(r);
    std::vector<model::RowId> out;
    for (model::RowId r : used) {
        std::vector<model::RowId> without{r};
        if (const auto twin = rto_oom_twin(r)) without.push_back(*twin);
        if (!check(trace, calls, without).agree) out.push_back(r);
    }
    return out;
}

}  // namespace orphancheck::conform
