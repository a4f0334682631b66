// Mutation analysis: single-edit mutants are generated for every row and
// classified by the properties that notice them.
#include <doctest/doctest.h>

#include "helpers.hpp"
#include "orphancheck/analysis/mutate.hpp"
#include "orphancheck/model/close_path.hpp"

using namespace orphancheck;
using model::Effect;
using model::RowEdit;
using model::RowId;
using properties::PropertyId;

TEST_CASE("mutate: every row gets a delete, one drop per effect and a retarget per other state") {
    const auto mutants = analysis::all_mutants();
    std::size_t removes = 0, retargets = 0;
    for (const auto& m : mutants) {
        removes += m.edit.kind == RowEdit::Kind::remove_row ? 1 : 0;
        retargets += m.edit.kind == RowEdit::Kind::retarget ? 1 : 0;
        if (m.edit.kind == RowEdit::Kind::retarget)
            CHECK(m.edit.target != model::describe_table()[std::size_t(m.edit.row)].target);
    }
    CHECK(removes == std::size_t(model::kRows));
    CHECK(retargets == std::size_t(model::kRows) * (model::kTcpStates - 1));
    CHECK(mutants.size() > removes + retargets);  // and the effect drops
}

TEST_CASE("mutate: known mutants are killed by the right properties, an unreachable edit is equivalent") {
    const auto spec = test::spec_of({{"sockets", "1"}, {"linger2", "all"}, {"max-tw-buckets", "all"}, {"abort", "yes"}});
    const std::vector<analysis::Mutant> mutants = {
        {{RowEdit::Kind::drop_effect, RowId::ack_last_ack, Effect::orphan_dec}},
        {{RowEdit::Kind::remove_row, RowId::keepalive_rst}},
        {{RowEdit::Kind::drop_effect, RowId::close_unread_rst, Effect::send_rst}},
        {{RowEdit::Kind::remove_row, RowId::abort_purge_fin_wait1}},  // a 5.15 row: never fires under 6.12
        {{RowEdit::Kind::retarget, RowId::rto_fin_wait1, Effect::orphan_inc, model::TcpState::fin_wait2}},
    };
    std::size_t calls = 0;
    const auto rep = analysis::run_mutation(spec, mutants, [&calls](std::size_t, std::size_t) { ++calls; });
    CHECK(calls == mutants.size());
    REQUIRE(rep.results.size() == mutants.size());
    CHECK(rep.results[0].outcome == analysis::MutantOutcome::killed);
    CHECK((rep.results[0].killed_by & properties::bit(PropertyId::orphan_balance)) != 0);
    CHECK(rep.results[1].outcome == analysis::MutantOutcome::killed);
    CHECK((rep.results[1].killed_by & properties::bit(PropertyId::eventually_destroyed)) != 0);
    CHECK(rep.results[2].outcome == analysis::MutantOutcome::killed);
    CHECK(rep.results[2].killed_by == properties::bit(PropertyId::rst_discipline));
    CHECK(rep.results[3].outcome == analysis::MutantOutcome::equivalent);
    CHECK(rep.results[4].outcome == analysis::MutantOutcome::killed);
    CHECK((rep.results[4].killed_by & properties::bit(PropertyId::rfc_transitions)) != 0);
    CHECK(rep.killed == 4);
    CHECK(rep.equivalent == 1);
    CHECK(rep.survived == 0);
    CHECK(rep.score() == doctest::Approx(1.0));
}

TEST_CASE("mutate: a property the original model already violates kills no mutant") {
    const auto spec = test::spec_of({{"sockets", "1"}, {"abort", "yes"}, {"profile", "linux-5.15"}});
    const std::vector<analysis::Mutant> mutants = {{{RowEdit::Kind::remove_row, RowId::abort_purge_closing}}};
    const auto rep = analysis::run_mutation(spec, mutants);
    REQUIRE(rep.results.size() == 1);
    CHECK((rep.results[0].killed_by & properties::bit(PropertyId::eventually_destroyed)) == 0);
    CHECK((rep.results[0].killed_by & properties::bit(PropertyId::abort_accepted)) != 0);
}
