#include "orphancheck/reports/diff_report.hpp"

#include <cmath>
#include <map>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "orphancheck/checker/socket_space.hpp"
#include "orphancheck/reports/interval_json.hpp"
#include "orphancheck/reports/json_envelope.hpp"
#include "orphancheck/reports/report.hpp"

namespace orphancheck::reports {
namespace {
using analysis::ModelDiff;
using analysis::RowChange;
using nlohmann::json;

std::string_view change_name(checker::Status a, checker::Status b) {
    using checker::Status;
    if (a == b) return "same";
    if (a == Status::holds && b == Status::violated) return "REGRESSION";
    if (a == Status::violated && b == Status::holds) return "fixed";
    return "unknown";
}

std::string_view row_change_name(RowChange::Kind k) {
    switch (k) {
        case RowChange::Kind::only_a: return "only in A";
        case RowChange::Kind::only_b: return "only in B";
        case RowChange::Kind::changed: return "changed";
    }
    return "?";
}

std::string local_text(std::uint32_t k) { return model::describe(model::LocalKey::unpack(k)); }

std::string move_text(const checker::LocalMove& m) {
    return fmt::format("{} --[{}]--> {}", local_text(m.from), checker::label_name(m.label), local_text(m.to));
}

const checker::PropertyResult* find(const checker::ExploreResult& r, properties::PropertyId id) {
    for (const auto& p : r.properties)
        if (p.id == id) return &p;
    return nullptr;
}

template <class T, class F>
void list(std::ostream& out, const char* title, const std::vector<T>& items, F&& text, std::size_t max = 12) {
    fmt::print(out, "  {}: {}\n", title, items.size());
    for (std::size_t i = 0; i < items.size() && i < max; ++i) fmt::print(out, "    {}\n", text(items[i]));
    if (items.size() > max) fmt::print(out, "    ... ({} more in the JSON report)\n", items.size() - max);
}

// "most 60.00 s shorter", "most 5.96 s longer", "most unbounded in B", "" when the most times agree.
std::string most_change(const analysis::Interval& a, const analysis::Interval& b) {
    if (!a.hi && !b.hi) return "";
    if (!b.hi) return "most unbounded in B";
    if (!a.hi) return "most bounded in B";
    const double d = *b.hi - *a.hi;
    if (std::abs(d) < 0.005) return "";
    return fmt::format("most {:.2f} s {}", std::abs(d), d > 0 ? "longer" : "shorter");
}

std::string outcome(const ModelDiff& d) {
    if (d.regression() && d.lifetime_regression())
        return "a property that holds in A is violated in B, and a socket lives longer in B";
    if (d.regression()) return "a property that holds in A is violated in B";
    if (d.lifetime_regression()) return "a socket lives longer in B (lifetimes above)";
    if (d.incomplete()) return "incomplete";
    return "no property goes from holds to violated";
}
}  // namespace

void write_diff_text(std::ostream& out, const ModelDiff& d) {
    fmt::print(out, "orphancheck {} diff\n  A = {}\n  B = {}\n", kVersion, d.a.name, d.b.name);
    if (!d.a.spec.patch.empty()) fmt::print(out, "  A patch: {}\n", d.a.spec.patch.describe());
    if (!d.b.spec.patch.empty()) fmt::print(out, "  B patch: {}\n", d.b.spec.patch.describe());
    fmt::print(out, "  {} socket{}, each closing with {}; {} configuration{} (A: {})\n", d.a.spec.sockets,
               d.a.spec.sockets == 1 ? "" : "s", d.a.spec.cases.front().describe_closes(), d.a.spec.cases.size(),
               d.a.spec.cases.size() == 1 ? "" : "s", d.a.spec.cases.front().describe());
    model::KernelOptions ka = d.a.spec.cases.front().sysctl.kernel, kb = d.b.spec.cases.front().sysctl.kernel;
    d.a.spec.patch.apply_options(ka);
    d.b.spec.patch.apply_options(kb);
    for (const auto& o : model::kernel_option_infos())
        if (ka.*o.member != kb.*o.member)
            fmt::print(out, "  kernel option {}: A {}, B {}\n", o.name, ka.*o.member ? "yes" : "no", kb.*o.member ? "yes" : "no");
    for (const auto& c : model::kernel_constant_infos())
        if (ka.*c.member != kb.*c.member)
            fmt::print(out, "  guard constant {}: A {}, B {}\n", c.name, ka.*c.member, kb.*c.member);
    fmt::print(out, "\nproperties                 A          B\n");
    for (const auto& pa : d.ra.properties) {
        const auto* pb = find(d.rb, pa.id);
        if (!pb) continue;
        fmt::print(out, "  {:<24} {:<10} {:<10} {}\n", properties::info(pa.id).name, status_name(pa.status),
                   status_name(pb->status), change_name(pa.status, pb->status));
    }
    fmt::print(out, "  states explored: A {}  B {}\n", d.ra.stats.states, d.rb.stats.states);

    fmt::print(out, "\nrows of the extracted table whose outcomes differ: {}\n", d.rows.size());
    for (const auto& r : d.rows)
        fmt::print(out, "  {:<10} {:<30} {}\n", row_change_name(r.kind), model::row_name(r.row),
                   model::row_summary(r.row));

    fmt::print(out, "\nreached per-socket configurations and moves\n");
    list(out, "configurations only in A", d.locals_only_a, local_text);
    list(out, "configurations only in B", d.locals_only_b, local_text);
    list(out, "moves only in A", d.moves_only_a, move_text);
    list(out, "moves only in B", d.moves_only_b, move_text);

    fmt::print(out, "\ndistinguishing trace\n");
    if (d.trace.found) {
        fmt::print(out, "  shortest observable sequence possible in {} and not in {} ({} pairs of states searched):\n",
                   d.trace.only_in == 0 ? "A" : "B", d.trace.only_in == 0 ? "B" : "A", d.trace.pairs);
        fmt::print(out, "    configuration: {}\n", d.trace.config);
        for (std::size_t i = 0; i < d.trace.steps.size(); ++i) {
            const auto& s = d.trace.steps[i];
            const std::string who = s.socket < 0 ? "global" : fmt::format("socket {}", s.socket);
            fmt::print(out, "    {:>3}. [{}] {}\n", i + 1, who, checker::describe_step(s));
        }
        fmt::print(out, "    the other model, at that point: {}\n",
                   d.trace.instead.empty() ? "cannot do this event" : d.trace.instead);
    } else if (d.trace.complete && d.verdicts_differ()) {
        // Traces cannot show what only fairness or enabledness decides (eventually-destroyed, timer-armed).
        fmt::print(out, "  none over the observables ({} pairs of states searched), but the property verdicts differ "
                        "(see above): A and B are not equivalent\n",
                   d.trace.pairs);
    } else if (d.trace.complete) {
        fmt::print(out, "  none: every observable sequence (socket, event, TCP state reached, segments, peer, ghost, "
                        "orphan change, step properties) of one model is one of the other ({} pairs of states "
                        "searched): A and B are equivalent here\n",
                   d.trace.pairs);
    } else {
        fmt::print(out, "  none found within {} pairs of states (limit reached: incomplete)\n", d.trace.pairs);
    }

    fmt::print(out, "\nlifetimes (one socket, the timed reading of `orphancheck lifetime` with its default clock)\n");
    if (d.lifetimes.empty()) fmt::print(out, "  the same in A and B for every configuration and close() variant\n");
    for (const auto& l : d.lifetimes) {
        fmt::print(out, "  {}{} from {}, {}\n", l.longer ? "LONGER  " : "", l.close, l.from, l.config);
        fmt::print(out, "    orphan  A {:<20} B {:<20} {}\n", analysis::describe(l.a.orphan), analysis::describe(l.b.orphan),
                   most_change(l.a.orphan, l.b.orphan));
        fmt::print(out, "    gone    A {:<20} B {:<20} {}{}\n", analysis::describe(l.a.gone), analysis::describe(l.b.gone),
                   most_change(l.a.gone, l.b.gone),
                   l.b.why_unbounded.empty() || l.b.gone.hi ? "" : "  (" + l.b.why_unbounded + ")");
    }

    bool header = false;
    for (const auto& pa : d.ra.properties) {
        const auto* pb = find(d.rb, pa.id);
        if (!pb || pa.status == pb->status) continue;
        const auto& failing = pa.status == checker::Status::violated ? pa : *pb;
        if (!failing.counterexample) continue;
        if (!header) fmt::print(out, "\ncounterexamples on the failing side\n");
        header = true;
        fmt::print(out, "\n  {} violated in {}:\n", properties::info(pa.id).name, &failing == &pa ? "A" : "B");
        write_trace(out, *failing.counterexample);
    }
    fmt::print(out, "\nresult: {}\n", outcome(d));
}

namespace {
json lifetimes_json(const ModelDiff& d) {
    json a = json::array();
    for (const auto& l : d.lifetimes)
        a.push_back({{"config", l.config},
                     {"close", l.close},
                     {"from", l.from},
                     {"longer", l.longer},
                     {"a", {{"orphan", interval_json(l.a.orphan)}, {"gone", interval_json(l.a.gone)}}},
                     {"b", {{"orphan", interval_json(l.b.orphan)}, {"gone", interval_json(l.b.gone)}, {"unbounded_because", l.b.why_unbounded}}}});
    return a;
}
}  // namespace

json diff_json(const ModelDiff& d) {
    json props = json::array();
    for (const auto& pa : d.ra.properties) {
        const auto* pb = find(d.rb, pa.id);
        if (!pb) continue;
        json p{{"name", properties::info(pa.id).name},
               {"a", status_name(pa.status)},
               {"b", status_name(pb->status)},
               {"change", change_name(pa.status, pb->status)}};
        if (pa.status != pb->status) {
            if (pa.counterexample) p["counterexample_a"] = trace_json(*pa.counterexample);
            if (pb->counterexample) p["counterexample_b"] = trace_json(*pb->counterexample);
        }
        props.push_back(p);
    }
    json rows = json::array();
    for (const auto& r : d.rows) rows.push_back({{"row", model::row_name(r.row)}, {"change", row_change_name(r.kind)}});
    auto locals = [](const std::vector<std::uint32_t>& v) {
        json a = json::array();
        for (auto k : v) a.push_back(local_text(k));
        return a;
    };
    auto moves = [](const std::vector<checker::LocalMove>& v) {
        json a = json::array();
        for (const auto& m : v)
            a.push_back({{"from", local_text(m.from)}, {"event", checker::label_name(m.label)}, {"to", local_text(m.to)}});
        return a;
    };
    json trace{{"found", d.trace.found},
               {"complete", d.trace.complete},
               {"pairs", d.trace.pairs},
               {"equivalent", d.equivalent()}};
    if (d.trace.found) {
        json steps = json::array();
        for (const auto& s : d.trace.steps)
            steps.push_back({{"socket", s.socket},
                             {"event", s.event},
                             {"state", s.state},
                             {"wire", s.wire},
                             {"ghost", s.ghost},
                             {"breaks", s.breaks},
                             {"orphans", s.orphans}});
        trace["possible_in"] = d.trace.only_in == 0 ? "A" : "B";
        trace["config"] = d.trace.config;
        trace["steps"] = steps;
        trace["other_model"] = d.trace.instead;
    }
    return enveloped("diff", {
            {"a", {{"name", d.a.name}, {"patch", d.a.spec.patch.describe()}, {"verdict", verdict_name(d.ra.verdict)},
                   {"states", d.ra.stats.states}}},
            {"b", {{"name", d.b.name}, {"patch", d.b.spec.patch.describe()}, {"verdict", verdict_name(d.rb.verdict)},
                   {"states", d.rb.stats.states}}},
            {"regression", d.regression()},
            {"lifetime_regression", d.lifetime_regression()},
            {"lifetimes", lifetimes_json(d)},
            {"incomplete", d.incomplete()},
            {"properties", props},
            {"rows", rows},
            {"configurations_only_a", locals(d.locals_only_a)},
            {"configurations_only_b", locals(d.locals_only_b)},
            {"moves_only_a", moves(d.moves_only_a)},
            {"moves_only_b", moves(d.moves_only_b)},
            {"distinguishing_trace", trace}});
}

DotGraph diff_graph(const ModelDiff& d) {
    DotGraph g;
    g.name = "diff";
    g.graph_attrs = {{"rankdir", "LR"},
                     {"label", fmt::format("black: both   red: only in A ({})   blue: only in B ({})", d.a.name, d.b.name)}};
    g.node_defaults = {{"shape", "box"}, {"fontname", "Helvetica"}, {"fontsize", "10"}};
    g.edge_defaults = {{"fontname", "Helvetica"}, {"fontsize", "9"}};
    std::map<std::uint32_t, std::size_t> node;
    auto node_of = [&](std::uint32_t k, const char* colour) {
        const auto [it, fresh] = node.try_emplace(k, g.nodes.size());
        if (fresh) g.nodes.push_back({{"label", local_text(k)}, {"color", colour}});
        return it->second;
    };
    for (auto k : d.locals_only_a) node_of(k, "red");
    for (auto k : d.locals_only_b) node_of(k, "blue");
    // Parallel moves between two configurations become one edge with the events joined.
    std::map<std::tuple<std::uint32_t, std::uint32_t, int>, std::string> edges;
    auto add = [&](const std::vector<checker::LocalMove>& v, int side) {
        for (const auto& m : v) {
            auto& label = edges[{m.from, m.to, side}];
            label += (label.empty() ? "" : "\n") + checker::label_name(m.label);
        }
    };
    add(d.moves_common, 0);
    add(d.moves_only_a, 1);
    add(d.moves_only_b, 2);
    static constexpr const char* kColour[] = {"black", "red", "blue"};
    for (const auto& [key, label] : edges) {
        const auto& [from, to, side] = key;
        const std::size_t f = node_of(from, "black"), t = node_of(to, "black");
        g.edges.push_back({f, t, {{"label", label}, {"color", kColour[side]}, {"fontcolor", kColour[side]}}});
    }
    return g;
}

}  // namespace orphancheck::reports
