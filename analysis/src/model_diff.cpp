#include "orphancheck/analysis/model_diff.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <iterator>
#include <set>

#include "orphancheck/checker/explorer.hpp"
#include "orphancheck/checker/socket_space.hpp"
#include "orphancheck/model/socket_table.hpp"

namespace orphancheck::analysis {
namespace {

// The extracted table of each case.
std::vector<model::SocketTable> tables_of(const checker::ExploreSpec& spec) {
    std::vector<model::SocketTable> out;
    for (const checker::CaseConfig& c : spec.cases) {
        model::SysctlConfig cfg = c.sysctl;
        spec.patch.apply_options(cfg.kernel);
        out.push_back(model::SocketTable::extract(cfg, spec.patch, spec.roles));
    }
    return out;
}

// The rows a table fires anywhere (RowId::none stands for a disabled entry).
void rows_fired(const model::SocketTable& t, std::set<model::RowId>& out) {
    for (std::uint16_t i = 0; i < t.size(); ++i)
        for (int ev = 0; ev < model::kEvents; ++ev)
            for (int g = 0; g < model::kGuardInputCombos; ++g)
                out.insert(t.at(i, model::EventId(ev), model::GuardInputs::from_index(g)).row);
}

// The rows fired differently by two tables of one case: in a situation (local, event, guard inputs) both have,
// one fires the row and the other does something else (another row, another next local, other effects as a set:
// a reordering of effects is no change).
void rows_changed(const model::SocketTable& ta, const model::SocketTable& tb, std::set<model::RowId>& out) {
    using model::SocketTable;
    for (std::uint16_t i = 0; i < ta.size(); ++i) {
        const std::uint16_t j = tb.index_of(ta.local(i));
        if (j == SocketTable::kDisabled) continue;
        for (int ev = 0; ev < model::kEvents; ++ev)
            for (int g = 0; g < model::kGuardInputCombos; ++g) {
                const auto in = model::GuardInputs::from_index(g);
                const SocketTable::Entry& x = ta.at(i, model::EventId(ev), in);
                const SocketTable::Entry& y = tb.at(j, model::EventId(ev), in);
                const bool on_x = x.next != SocketTable::kDisabled, on_y = y.next != SocketTable::kDisabled;
                if (!on_x && !on_y) continue;
                if (on_x && on_y && x.row == y.row && ta.local(x.next).pack() == tb.local(y.next).pack() &&
                    x.effects.sorted() == y.effects.sorted())
                    continue;
                out.insert(on_x ? x.row : model::RowId::none);
                out.insert(on_y ? y.row : model::RowId::none);
            }
    }
}

template <class T>
std::vector<T> minus(const std::vector<T>& x, const std::vector<T>& y) {
    std::vector<T> out;
    std::set_difference(x.begin(), x.end(), y.begin(), y.end(), std::back_inserter(out));
    return out;
}

bool same(const Interval& x, const Interval& y) {
    auto near = [](double p, double q) { return std::abs(p - q) <= 1e-9 * std::max(1.0, std::abs(p)); };
    return near(x.lo, y.lo) && x.hi.has_value() == y.hi.has_value() && (!x.hi || near(*x.hi, *y.hi));
}

// B's most time beyond A's by more than the tolerance, or unbounded where A's is bounded.
bool longer(const Interval& a, const Interval& b, double tolerance) {
    if (!a.hi) return false;
    return !b.hi || *b.hi > *a.hi * (1 + tolerance) + 1e-9;
}

// Each case, close() variant and starting state: one socket's lifetime in both models, where they differ.
std::vector<LifetimeChange> compare_lifetimes(const checker::ExploreSpec& a, const checker::ExploreSpec& b,
                                              double tolerance) {
    std::vector<LifetimeChange> out;
    const Clock clock;
    for (std::size_t c = 0; c < a.cases.size(); ++c)
        for (model::EventId e : a.cases[c].close_events)
            for (CloseFrom from : {CloseFrom::established, CloseFrom::close_wait}) {
                const model::CloseOpts o = model::close_opts_of(e);
                const OptionSeconds sec{1, o.linger2 == model::Linger2::short_ ? 30 : o.linger2 == model::Linger2::long_ ? 90 : 0};
                checker::CaseConfig ca = a.cases[c], cb = b.cases[c];
                ca.close_events = cb.close_events = {e};
                LifetimeChange ch;
                try {
                    ch.a = lifetime({ca, 1, from, sec, clock, {}, {}, &a.patch});
                    ch.b = lifetime({cb, 1, from, sec, clock, {}, {}, &b.patch});
                } catch (const std::invalid_argument&) {
                    continue;  // close() from CLOSE_WAIT needs a peer that closes
                }
                if (same(ch.a.orphan, ch.b.orphan) && same(ch.a.gone, ch.b.gone)) continue;
                ch.config = a.cases[c].describe();
                ch.close = model::event_name(e);
                ch.from = from == CloseFrom::established ? "ESTABLISHED" : "CLOSE_WAIT";
                ch.longer = longer(ch.a.orphan, ch.b.orphan, tolerance) || longer(ch.a.gone, ch.b.gone, tolerance);
                out.push_back(std::move(ch));
            }
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

bool ModelDiff::lifetime_regression() const {
    for (const auto& l : lifetimes)
        if (l.longer) return true;
    return false;
}

bool ModelDiff::incomplete() const {
    return ra.verdict == checker::Verdict::incomplete || rb.verdict == checker::Verdict::incomplete ||
           !trace.complete;
}

ModelDiff diff_models(const ModelRef& a, const ModelRef& b, std::uint64_t max_pairs, double lifetime_tolerance) {
    ModelDiff d{a, b, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, lifetime_tolerance};
    for (auto* m : {&d.a, &d.b}) {
        m->spec.engine = checker::Engine::table;
        m->spec.collect_socket_moves = true;
    }
    d.ra = checker::explore(d.a.spec);
    d.rb = checker::explore(d.b.spec);

    // A row changed when, in a situation both tables have, one fires it and the other does something else.
    const auto ta = tables_of(d.a.spec), tb = tables_of(d.b.spec);
    std::set<model::RowId> fires_a, fires_b, changed;
    for (const auto& t : ta) rows_fired(t, fires_a);
    for (const auto& t : tb) rows_fired(t, fires_b);
    for (std::size_t c = 0; c < std::min(ta.size(), tb.size()); ++c) rows_changed(ta[c], tb[c], changed);
    std::set<model::RowId> rows = fires_a;  // the table's rows in table order, then rows a patch adds
    rows.insert(fires_b.begin(), fires_b.end());
    for (const model::RowId row : rows) {
        if (row == model::RowId::none) continue;
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
    d.lifetimes = compare_lifetimes(d.a.spec, d.b.spec, lifetime_tolerance);
    return d;
}

}  // namespace orphancheck::analysis
