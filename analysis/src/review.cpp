#include "orphancheck/analysis/review.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "orphancheck/model/close_path.hpp"
#include "orphancheck/model/events.hpp"
#include "orphancheck/model/row_effects.hpp"

namespace orphancheck::analysis {

std::vector<properties::PropertyId> properties_reading(model::RowId r) {
    using model::Effect;
    using P = properties::PropertyId;
    const model::RowDescription& d = model::describe_table()[std::size_t(r)];
    std::set<P> s{P::rfc_transitions};  // every row is a transition of the TCP state machine
    if (model::row_has_effect(r, Effect::orphan_inc) || model::row_has_effect(r, Effect::orphan_dec))
        s.insert({P::orphan_balance, P::counter_never_negative, P::counter_zero_at_end, P::orphan_classification,
                  model::row_has_effect(r, Effect::orphan_inc) ? P::single_increment : P::single_decrement});
    if (model::row_has_effect(r, Effect::destroy) || d.target == model::TcpState::destroyed)
        s.insert({P::eventually_destroyed, P::no_deadlock, P::single_decrement});
    if (model::row_has_effect(r, Effect::send_rst)) s.insert(P::rst_discipline);
    if (d.guard.find("check_oom") != std::string::npos) s.insert(P::oom_kill);
    if (model::holds_tw_bucket(d.target) || model::row_has_effect(r, Effect::tw_alloc) ||
        model::row_has_effect(r, Effect::tw_overflow))
        s.insert(P::tw_handoff);
    switch (model::info(d.event).fairness) {
        case model::Fairness::write_timer:
        case model::Fairness::keepalive:
        case model::Fairness::tw: s.insert({P::timer_armed, P::eventually_destroyed}); break;
        case model::Fairness::app: s.insert(P::close_progress); break;
        case model::Fairness::none: break;
    }
    if (d.event == model::EventKind::abort) s.insert(P::abort_accepted);
    return {s.begin(), s.end()};
}

Review review_diff(const UnifiedDiff& diff) {
    Review r;
    r.hunks = diff.hunks.size();
    for (const FunctionChange& c : diff.changes) {
        auto it = std::find_if(r.functions.begin(), r.functions.end(),
                               [&](const ReviewedFunction& f) { return f.function == c.function; });
        if (it == r.functions.end()) {
            ReviewedFunction f;
            f.function = c.function;
            if (!c.function.empty()) f.rows = model::rows_depending_on(c.function);
            std::set<properties::PropertyId> props;
            for (const auto& dep : f.rows)
                for (auto p : properties_reading(dep.row)) props.insert(p);
            f.properties.assign(props.begin(), props.end());
            r.functions.push_back(std::move(f));
            it = r.functions.end() - 1;
        }
        it->changes.push_back(c);
    }
    return r;
}

std::string patch_skeleton(const Review& r, const std::string& diff_name) {
    std::string s = fmt::format(
        "# Patch skeleton from `orphancheck review {}`: restate the change as edits of the rows below\n"
        "# (uncomment and fill in), then `orphancheck diff PROFILE PROFILE+THIS.toml`.\n"
        "# Edits: remove = true | drop_effect = \"E\" | add_effect = \"E\" | retarget = \"STATE\" | guard = \"EXPR\";\n"
        "# a new branch is a [[row]] (README, Patch files);\n"
        "# effects: orphan_inc, orphan_dec, destroy, send_fin, send_rst, send_probe. [options] and [constants]:\n"
        "# `orphancheck profiles`.\n"
        "name = \"review\"\n"
        "description = \"\"\n",
        diff_name);
    for (const ReviewedFunction& f : r.functions) {
        if (f.rows.empty()) continue;
        s += fmt::format("\n# {} ({} row{})\n", f.function, f.rows.size(), f.rows.size() == 1 ? "" : "s");
        for (const auto& dep : f.rows) {
            const model::RowDescription& d = model::describe_table()[std::size_t(dep.row)];
            s += fmt::format("# [[edit]]\n# row = \"{}\"  # {} --{}--> {} [{}] / {} (via {})\n", model::row_name(dep.row),
                             model::state_name(d.source), model::kind_label(d.event), model::state_name(d.target),
                             d.guard.empty() ? "true" : d.guard, d.actions.empty() ? "-" : d.actions, dep.via);
        }
        const model::RowDescription& first = model::describe_table()[std::size_t(f.rows.front().row)];
        s += fmt::format("# [[row]]  # a new branch in {}\n# name = \"\"\n# function = \"{}\"\n# from = \"{}\"\n"
                         "# event = \"{}\"\n# guard = \"\"\n# to = \"\"\n# effects = []\n",
                         f.function, f.function, model::state_name(first.source), model::info(first.event).id);
    }
    return s;
}

}  // namespace orphancheck::analysis
