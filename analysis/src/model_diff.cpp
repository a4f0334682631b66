#include "orphancheck/analysis/model_diff.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>

#include "orphancheck/checker/explorer.hpp"
#include "orphancheck/checker/socket_space.hpp"
#include "orphancheck/model/socket_table.hpp"

namespace orphancheck::analysis {
namespace {

// The extracted tables of all cases: (case, local, event, guard inputs) -> (row, next local, effects as a set:
// a reordering of effects is no change).
using Situation = std::tuple<std::size_t, std::uint32_t, int, int>;
using Outcome = std::tuple<model::RowId, std::uint32_t, std::string>;
std::map<Situation, Outcome> table_of(const checker::ExploreSpec& spec) {
    std::map<Situation, Outcome> out;
    for (std::size_t c = 0; c < spec.cases.size(); ++c) {
        model::SysctlConfig cfg = spec.cases[c].sysctl;
        spec.patch.apply_options(cfg.kernel);
        const auto t = model::SocketTable::extract(cfg, spec.patch);
        for (std::uint16_t i = 0; i < t.size(); ++i)
            for (int ev = 0; ev < model::kEvents; ++ev)
                for (int g = 0; g < model::kGuardInputCombos; ++g) {
                    const auto& e = t.at(i, model::EventId(ev), model::GuardInputs::from_index(g));
                    out[{c, t.local(i).pack(), ev, g}] =
                        e.next == model::SocketTable::kDisabled
                            ? Outcome{model::RowId::none, 0, ""}
                            : Outcome{e.row, t.local(e.next).pack(), e.effects.sorted().str()};
                }
    }
    return out;
}

template <class T>
std::vector<T> minus(const std::vector<T>& x, const std::vector<T>& y) {
    std::vector<T> out;
    std::set_difference(x.begin(), x.end(), y.begin(), y.end(), std::back_inserter(out));
    return out;
}

std::vector<std::uint32_t> locals_of(const std::vector<checker::LocalMove>& moves) {
    std::set<std::uint32_t> s;
    for (const auto& m : moves) {
        s.insert(m.from);
        s.insert(m.to);
    }
    return {s.begin(), s.end()};
}
}  // namespace

bool ModelDiff::verdicts_differ() const {
    for (const auto& pa : ra.properties)
        for (const auto& pb : rb.properties)
            if (pa.id == pb.id && pa.status != pb.status) return true;
    return false;
}

bool ModelDiff::regression() const {
    for (const auto& pa : ra.properties)
        for (const auto& pb : rb.properties)
            if (pa.id == pb.id && pa.status == checker::Status::holds && pb.status == checker::Status::violated)
                return true;
    return false;
}

bool ModelDiff::incomplete() const {
    return ra.verdict == checker::Verdict::incomplete || rb.verdict == checker::Verdict::incomplete ||
           !trace.complete;
}

ModelDiff diff_models(const ModelRef& a, const ModelRef& b, std::uint64_t max_pairs) {
    ModelDiff d{a, b, {}, {}, {}, {}, {}, {}, {}, {}, {}};
    for (auto* m : {&d.a, &d.b}) {
        m->spec.engine = checker::Engine::table;
        m->spec.collect_socket_moves = true;
    }
    d.ra = checker::explore(d.a.spec);
    d.rb = checker::explore(d.b.spec);

    // A row changed when, in a situation both tables have, one fires it and the other does something else.
    const auto ta = table_of(d.a.spec), tb = table_of(d.b.spec);
    std::set<model::RowId> fires_a, fires_b, changed;
    for (const auto& [sit, out] : ta) fires_a.insert(std::get<0>(out));
    for (const auto& [sit, out] : tb) fires_b.insert(std::get<0>(out));
    for (const auto& [sit, out] : ta) {
        const auto it = tb.find(sit);
        if (it == tb.end() || it->second == out) continue;
        changed.insert(std::get<0>(out));
        changed.insert(std::get<0>(it->second));
    }
    for (int r = 0; r < model::kRows; ++r) {
        const auto row = model::RowId(r);
        const bool in_a = fires_a.count(row) != 0, in_b = fires_b.count(row) != 0;
        if (in_a && !in_b) d.rows.push_back({row, RowChange::Kind::only_a});
        else if (!in_a && in_b) d.rows.push_back({row, RowChange::Kind::only_b});
        else if (in_a && changed.count(row)) d.rows.push_back({row, RowChange::Kind::changed});
    }

    const auto& ma = d.ra.socket_moves;
    const auto& mb = d.rb.socket_moves;
    d.moves_only_a = minus(ma, mb);
    d.moves_only_b = minus(mb, ma);
    // Kernel moves first, then the network's; each group in table order.
    for (auto* v : {&d.moves_only_a, &d.moves_only_b})
        std::stable_sort(v->begin(), v->end(), [](const checker::LocalMove& x, const checker::LocalMove& y) {
            return !checker::is_env_label(x.label) && checker::is_env_label(y.label);
        });
    std::set_intersection(ma.begin(), ma.end(), mb.begin(), mb.end(), std::back_inserter(d.moves_common));
    const auto la = locals_of(ma), lb = locals_of(mb);
    d.locals_only_a = minus(la, lb);
    d.locals_only_b = minus(lb, la);
    d.trace = checker::distinguishing_trace(d.a.spec, d.b.spec, max_pairs);
    return d;
}

}  // namespace orphancheck::analysis
