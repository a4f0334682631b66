#include "orphancheck/checker/interrupt.hpp"
#include "orphancheck/analysis/mutate.hpp"

#include <fmt/format.h>

#include "orphancheck/checker/explorer.hpp"
#include "orphancheck/model/close_path.hpp"
#include "orphancheck/model/row_effects.hpp"

namespace orphancheck::analysis {

std::string Mutant::describe() const {
    model::TablePatch p{"", {edit}};
    return p.describe();
}

std::vector<Mutant> all_mutants() {
    std::vector<Mutant> out;
    for (const model::RowDescription& d : model::describe_table()) {
        out.push_back({{model::RowEdit::Kind::remove_row, d.row}});
        // Dropping a label-only effect (tw_alloc, arm_keepalive, ...) cannot change behaviour.
        for (int e = 0; e < model::kEffects; ++e)
            if (model::effect_has_behaviour(model::Effect(e)) && model::row_has_effect(d.row, model::Effect(e)))
                out.push_back({{model::RowEdit::Kind::drop_effect, d.row, model::Effect(e)}});
        for (int s = 0; s < model::kTcpStates; ++s)
            if (model::TcpState(s) != d.target)
                out.push_back({{model::RowEdit::Kind::retarget, d.row, model::Effect::orphan_inc, model::TcpState(s)}});
    }
    return out;
}

double MutationReport::score() const {
    const std::size_t judged = killed + survived;
    return judged == 0 ? 0.0 : double(killed) / double(judged);
}

std::string_view outcome_name(MutantOutcome o) {
    switch (o) {
        case MutantOutcome::killed: return "killed";
        case MutantOutcome::survived: return "survived";
        case MutantOutcome::equivalent: return "equivalent";
        case MutantOutcome::invalid: return "invalid";
        case MutantOutcome::incomplete: return "incomplete";
    }
    return "?";
}

MutationReport run_mutation(const checker::ExploreSpec& base, const std::vector<Mutant>& mutants,
                            const std::function<void(std::size_t, std::size_t)>& progress) {
    MutationReport rep;
    // One thread: the behaviour fingerprint covers the moves a search reaches, and a threaded
    // search computes every move of the socket spaces beforehand.
    checker::ExploreSpec original = base;
    original.progress.on = false;
    original.threads = 1;
    original.por = false;  // the fingerprint and state count compare complete, unreduced searches
    const checker::ExploreResult reference_run = checker::explore(original);
    const checker::Stats& reference = reference_run.stats;
    // A mutant is killed by a property the original model satisfies.
    properties::PropertyMask already = 0;
    for (const auto& p : reference_run.properties)
        if (p.status == checker::Status::violated) already |= properties::bit(p.id);
    for (std::size_t i = 0; i < mutants.size(); ++i) {
        MutantResult r{mutants[i]};
        if (checker::interrupt_signal()) {  // stopped from outside: the rest stay undecided, the report is written
            ++rep.incomplete;
            rep.results.push_back(r);
            continue;
        }
        checker::ExploreSpec spec = original;
        spec.patch.name = base.patch.name.empty() ? "mutant" : base.patch.name + "+mutant";
        spec.patch.edits.push_back(mutants[i].edit);
        try {
            const auto res = checker::explore(spec);
            r.states = res.stats.states;
            for (const auto& p : res.properties)
                if (p.status == checker::Status::violated) r.killed_by |= properties::bit(p.id) & ~already;
            const bool same = res.stats.states == reference.states &&
                              res.stats.behaviour_fingerprint == reference.behaviour_fingerprint;
            r.outcome = r.killed_by ? MutantOutcome::killed
                        : res.verdict == checker::Verdict::incomplete ? MutantOutcome::incomplete
                        : same ? MutantOutcome::equivalent
                               : MutantOutcome::survived;
        } catch (const checker::SpecError&) {
            r.outcome = MutantOutcome::invalid;  // e.g. an unbounded orphan counter
        } catch (const std::runtime_error&) {
            r.outcome = MutantOutcome::invalid;  // e.g. a retarget into a state MSM never enters
        }
        switch (r.outcome) {
            case MutantOutcome::killed: ++rep.killed; break;
            case MutantOutcome::survived: ++rep.survived; break;
            case MutantOutcome::equivalent: ++rep.equivalent; break;
            case MutantOutcome::invalid: ++rep.invalid; break;
            case MutantOutcome::incomplete: ++rep.incomplete; break;
        }
        rep.results.push_back(r);
        if (progress) progress(i + 1, mutants.size());
    }
    return rep;
}

}  // namespace orphancheck::analysis
