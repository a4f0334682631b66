#include "orphancheck/conform/trace_check.hpp"

#include <algorithm>
#include <set>

namespace orphancheck::conform {
namespace {
using checker::Combo;

bool timer_label(checker::Label l) {
    if (checker::is_env_label(l)) return false;
    switch (model::kind_of(l)) {
        case model::EventKind::rto_expire:
        case model::EventKind::rto_timed_out:
        case model::EventKind::keepalive_expire:
        case model::EventKind::tw_expire: return true;
        default: return false;
    }
}

std::vector<Observation> collapse(std::span<const Observation> trace) {
    std::vector<Observation> out;
    for (const Observation& o : trace)
        if (out.empty() || out.back() != o) out.push_back(o);
    return out;
}

constexpr int kNone = -1;
constexpr int kSource = -2;
struct Parent {
    int from = kNone;  // kNone: not reached; kSource: in the previous level's set
    int edge = 0;
};
}  // namespace

ObservedModel::ObservedModel(const checker::CaseConfig& c, int sockets, std::span<const checker::EnvEvent> never,
                             std::span<const model::RowId> ruled_out, const model::TablePatch& patch) {
    checker::SocketSpace space(c, checker::Engine::table, patch);
    space.complete(sockets);
    const std::vector<int> gins = space.guard_inputs(sockets);
    const auto excluded = [&](const checker::SockMove& m) {
        return std::any_of(never.begin(), never.end(), [&](checker::EnvEvent e) { return m.label == checker::env_label(e); }) ||
               std::any_of(ruled_out.begin(), ruled_out.end(), [&](model::RowId r) { return m.row1 == r || m.row2 == r; });
    };
    const std::size_t n = space.size();
    out_.resize(n);
    for (std::size_t i = 0; i < n; ++i) obs_.push_back(observe(space.view(Combo(i))));
    for (std::size_t i = 0; i < n; ++i) {
        std::set<std::tuple<Combo, checker::Label, model::RowId, model::RowId>> seen;
        for (int gin : gins)
            for (const checker::SockMove& m : space.moves(Combo(i), gin)) {
                if (excluded(m) || !seen.insert({m.next, m.label, m.row1, m.row2}).second) continue;
                const Observation to = obs_[m.next];
                if (!checker::is_env_label(m.label) && model::kind_of(m.label) == model::EventKind::close &&
                    to.kind == Observation::Kind::socket && to.orphan) {
                    // close() in two halves, the new state first, then sock_orphan()
                    const auto mid = Combo(obs_.size());
                    obs_.push_back({Observation::Kind::socket, to.state, false});
                    out_.push_back({{m.next, m.label, model::RowId::none, model::RowId::none, false, true}});
                    out_[i].push_back({mid, m.label, m.row1, m.row2, false});
                } else {
                    out_[i].push_back({m.next, m.label, m.row1, m.row2, timer_label(m.label)});
                }
            }
    }
}

TraceCheck ObservedModel::check(std::span<const Observation> raw, std::optional<model::RowId> without) const {
    const std::vector<Observation> trace = collapse(raw);
    TraceCheck result;
    const std::size_t n = obs_.size();
    const auto usable = [&](const Edge& e) { return !without || (e.row1 != *without && e.row2 != *without); };
    // levels[i][c]: how configuration c was reached while explaining observation i.
    std::vector<std::vector<Parent>> levels;
    std::vector<int> current;  // configurations that show observation i
    if (trace.empty()) return result;
    if (obs_[0] != trace[0]) {
        result.allowed_next = {obs_[0]};
        return result;
    }
    // Level i: from the configurations of level i-1 (sources), follow moves; a configuration that
    // shows trace[i-1] or trace[i] was sampled (or could be), any other must be left by an untimed move.
    for (std::size_t i = 0; i < trace.size(); ++i) {
        std::vector<Parent> parent(n);
        std::vector<int> queue;
        if (i == 0) {
            parent[0].from = kSource;
            queue.push_back(0);
        } else {
            for (int c : current) {
                parent[c].from = kSource;
                queue.push_back(c);
            }
        }
        const Observation* before = i == 0 ? nullptr : &trace[i - 1];
        std::set<Observation> elsewhere;
        for (std::size_t q = 0; q < queue.size(); ++q) {
            const int u = queue[q];
            const bool unsampled = obs_[u] != trace[i] && (before == nullptr || obs_[u] != *before);
            const bool at_target = obs_[u] == trace[i];
            for (std::size_t k = 0; k < out_[u].size(); ++k) {
                const Edge& e = out_[u][k];
                if (!usable(e) || (unsampled && e.timed)) continue;
                if (at_target && obs_[e.to] != trace[i]) continue;  // the next level's business
                if (parent[e.to].from != kNone) continue;
                if (obs_[e.to] != trace[i] && (before == nullptr || obs_[e.to] != *before))
                    elsewhere.insert(obs_[e.to]);
                parent[e.to] = {u, int(k)};
                queue.push_back(e.to);
            }
        }
        std::vector<int> next;
        for (int c : queue)
            if (obs_[c] == trace[i]) next.push_back(c);
        if (next.empty()) {
            result.explained = i;
            for (int c : current)  // what a sample could show next: the previous level's onward observations
                for (const Edge& e : out_[c])
                    if (usable(e) && obs_[e.to] != trace[i - 1]) elsewhere.insert(obs_[e.to]);
            result.allowed_next.assign(elsewhere.begin(), elsewhere.end());
            return result;
        }
        levels.push_back(std::move(parent));
        current = std::move(next);
    }
    result.agree = true;
    result.explained = trace.size();
    // Witness: walk back from a configuration of the last level, level by level.
    int c = current.front();
    for (std::size_t i = levels.size(); i-- > 0;) {
        while (levels[i][c].from != kSource) {
            const int u = levels[i][c].from;
            const Edge& e = out_[u][std::size_t(levels[i][c].edge)];
            result.witness.push_back({e.orphaning ? "sock_orphan() inside close()" : checker::label_name(e.label), e.row1,
                                      e.row2, obs_[c]});
            c = u;
        }
    }
    std::reverse(result.witness.begin(), result.witness.end());
    return result;
}

std::vector<model::RowId> ObservedModel::necessary_rows(std::span<const Observation> trace) const {
    const TraceCheck base = check(trace);
    std::set<model::RowId> used;
    for (const WitnessStep& s : base.witness)
        for (model::RowId r : {s.row1, s.row2})
            if (r != model::RowId::none) used.insert(r);
    std::vector<model::RowId> out;
    for (model::RowId r : used)
        if (!check(trace, r).agree) out.push_back(r);
    return out;
}

}  // namespace orphancheck::conform
