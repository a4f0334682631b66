// The case studies of model/patches/cases: each patch restates a kernel
// change (or a plausible regression of it); the test asserts the verdicts
// its reasoning implies: the buggy side violates the named properties with a
// counterexample, the fixed side (linux-6.12) holds every property.
#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "orphancheck/analysis/model_diff.hpp"
#include "orphancheck/reports/diff_report.hpp"
#include "patch_file.hpp"

using namespace orphancheck;
using properties::PropertyId;

namespace {
std::string case_file(const std::string& name) {
    return std::string(ORPHANCHECK_CHECKS) + "/../model/patches/cases/" + name + ".toml";
}

struct CaseStudy {
    std::string name;
    cli::OptionValues options;
    std::vector<PropertyId> violated;  // exactly these become violated
};

void check_case(const CaseStudy& c) {
    INFO("case study " << c.name);
    const auto fixed = test::spec_of(c.options);
    auto buggy = fixed;
    cli::read_patch_file(case_file(c.name), buggy.patch);
    const auto d = analysis::diff_models({"linux-6.12", fixed}, {c.name, buggy}, 1'000'000);
    CHECK(d.ra.verdict == checker::Verdict::pass);
    CHECK(d.regression());
    for (const auto& p : d.rb.properties) {
        INFO("property " << properties::info(p.id).name);
        const bool expected = std::find(c.violated.begin(), c.violated.end(), p.id) != c.violated.end();
        CHECK((p.status == checker::Status::violated) == expected);
        if (expected) CHECK(p.counterexample.has_value());
    }
    CHECK(d.trace.found);
}
}  // namespace

TEST_CASE("case study B1: tcp_abort before bac76cf89816 leaves a forever orphan") {
    check_case({"tcp-abort-forever-orphan",
                {{"sockets", "1"}, {"abort", "yes"}},
                {PropertyId::no_deadlock, PropertyId::eventually_destroyed, PropertyId::counter_zero_at_end,
                 PropertyId::rfc_transitions, PropertyId::timer_armed}});
}

TEST_CASE("case study B1: the linux-5.15 profile is the buggy side, linux-6.12 the fixed one") {
    const auto fixed = test::spec_of({{"sockets", "1"}, {"abort", "yes"}});
    const auto old = test::spec_of({{"sockets", "1"}, {"abort", "yes"}, {"profile", "linux-5.15"}});
    const auto d = analysis::diff_models({"linux-5.15", old}, {"linux-6.12", fixed}, 1'000'000);
    CHECK_FALSE(d.regression());
    CHECK(test::result_of(d.ra, PropertyId::timer_armed).status == checker::Status::violated);
    CHECK(d.rb.verdict == checker::Verdict::pass);
    REQUIRE(d.trace.found);
    CHECK(d.trace.steps.back().event == "tcp_abort (ss -K)");
}

TEST_CASE("case study G4: the tcp_abort fix as added rows, on top of the fixed kernel, changes nothing") {
    const auto fixed = test::spec_of({{"sockets", "1"}, {"abort", "yes"}});
    auto twice = fixed;
    cli::read_patch_file(case_file("tcp-abort-fix-as-rows"), twice.patch);
    const auto d = analysis::diff_models({"linux-6.12", fixed}, {"linux-6.12+fix-as-rows", twice}, 1'000'000);
    CHECK(d.equivalent());
    CHECK_FALSE(d.verdicts_differ());
}

TEST_CASE("case study B9: a FIN with an old ACK dropped in FIN_WAIT2 (before 2024)") {
    check_case({"old-ack-fin-dropped", {{"sockets", "1"}}, {PropertyId::rfc_transitions}});
}

TEST_CASE("case study M1: without the already-destroyed check a backlog-destroyed socket is destroyed twice") {
    check_case({"double-destroy-check-removed",
                {{"sockets", "1"}},
                {PropertyId::orphan_balance, PropertyId::counter_never_negative, PropertyId::single_decrement,
                 PropertyId::counter_zero_at_end, PropertyId::orphan_classification}});
}

TEST_CASE("case study M2: the orphan increment after the early exit drives the counter negative") {
    check_case({"orphan-inc-after-backlog",
                {{"sockets", "1"}},
                {PropertyId::orphan_balance, PropertyId::counter_never_negative, PropertyId::counter_zero_at_end,
                 PropertyId::orphan_classification}});
}

TEST_CASE("case study M4: a timewait overflow that skips tcp_done leaks the orphan") {
    check_case({"tw-overflow-skips-tcp-done",
                {{"sockets", "1"}, {"max-tw-buckets", "0"}},
                {PropertyId::no_deadlock, PropertyId::eventually_destroyed, PropertyId::counter_zero_at_end}});
}

TEST_CASE("case study M5: the FIN_WAIT2 timer without its RST fallback never ends a bad-case orphan") {
    check_case({"keepalive-rst-fallback-removed",
                {{"sockets", "1"}},
                {PropertyId::no_deadlock, PropertyId::eventually_destroyed, PropertyId::counter_zero_at_end,
                 PropertyId::timer_armed}});
}

TEST_CASE("case study M8: TCP_LINGER2 = -1 read as 0 loses the RST") {
    check_case({"linger2-negative-ignored",
                {{"sockets", "1"}, {"linger2", "-1"}},
                {PropertyId::rst_discipline, PropertyId::close_progress}});
}

// Guard edits (issue 15): kernel bugs in a condition, each restated as new guards of the rows it decides.
TEST_CASE("case study G2: the 60 s split written as >= sends an acked orphan down the keepalive path") {
    check_case({"fin-wait2-split-off-by-one",
                {{"sockets", "1"}, {"fin-timeout", "60"}, {"linger2", "sysctl"}},
                {PropertyId::tw_handoff}});
}

TEST_CASE("case study G2: a lifetime regression too: the full socket lives on as an orphan where a bucket would not") {
    const auto fixed = test::spec_of({{"sockets", "1"}, {"fin-timeout", "60"}, {"linger", "off"}});
    auto buggy = fixed;
    cli::read_patch_file(case_file("fin-wait2-split-off-by-one"), buggy.patch);
    const auto d = analysis::diff_models({"linux-6.12", fixed}, {"G2", buggy}, 1'000'000);
    CHECK(d.lifetime_regression());
    REQUIRE(d.lifetimes.size() == 1);
    const auto& l = d.lifetimes.front();
    INFO("A orphan " << analysis::describe(l.a.orphan) << ", B orphan " << analysis::describe(l.b.orphan));
    CHECK(l.longer);
    CHECK(l.from == "ESTABLISHED");
    REQUIRE(l.a.orphan.hi.has_value());
    REQUIRE(l.b.orphan.hi.has_value());
    CHECK(*l.b.orphan.hi > *l.a.orphan.hi + 5);  // the keepalive wait and its RST on top of the retransmissions
    // Within the tolerance it is no regression.
    const auto tolerant = analysis::diff_models({"linux-6.12", fixed}, {"G2", buggy}, 1'000'000, 0.5);
    CHECK_FALSE(tolerant.lifetime_regression());
}

TEST_CASE("case study G1: a retry budget one retransmission later: a distinguishing trace, no property, same lifetimes") {
    // The count guard no longer allows the kill at the budget: the trace shows it. The timed reading kills an
    // orphan by elapsed time (tcp_write_timeout), where the rows offer both a kill and a retransmission, so the
    // lifetimes do not move: the off-by-one changes which count the rows allow, not when the kernel gives up.
    const auto fixed = test::spec_of({{"sockets", "1"}});
    auto buggy = fixed;
    cli::read_patch_file(case_file("retry-budget-off-by-one"), buggy.patch);
    const auto d = analysis::diff_models({"linux-6.12", fixed}, {"G1", buggy}, 1'000'000);
    CHECK_FALSE(d.regression());
    CHECK_FALSE(d.verdicts_differ());
    REQUIRE(d.trace.found);
    CHECK(d.trace.only_in == 0);
    CHECK(d.trace.steps.back().event == "retransmit timer fires, retry budget spent");
    CHECK_FALSE(d.lifetime_regression());
}

TEST_CASE("diff: a FIN_WAIT2 orphan sent straight to a bucket lives a minute less as an orphan") {
    // The example: the acked orphan with fin_time > 60 s skips its keepalive wait in the full socket.
    const auto fixed = test::spec_of({{"sockets", "1"}, {"fin-timeout", "120"}, {"linger", "off"}});
    auto early = fixed;
    for (model::Effect e : {model::Effect::destroy, model::Effect::orphan_dec})
        early.patch.edits.push_back({model::RowEdit::Kind::add_effect, model::RowId::ack_fin_wait1_keepalive, e});
    early.patch.edits.push_back({model::RowEdit::Kind::retarget, model::RowId::ack_fin_wait1_keepalive,
                                 model::Effect::orphan_inc, model::TcpState::tw_fin_wait2});
    const auto d = analysis::diff_models({"linux-6.12", fixed}, {"early-bucket", early}, 1'000'000);
    REQUIRE(d.lifetimes.size() == 1);
    const auto& l = d.lifetimes.front();
    CHECK_FALSE(l.longer);
    REQUIRE(l.a.orphan.hi.has_value());
    REQUIRE(l.b.orphan.hi.has_value());
    CHECK(*l.a.orphan.hi - *l.b.orphan.hi > 60);
    std::ostringstream text;
    reports::write_diff_text(text, d);
    CHECK(text.str().find("s shorter") != std::string::npos);
}

TEST_CASE("case study G3: the FIN_WAIT2 timer without its owned test destroys a socket close() still holds") {
    check_case({"keepalive-owned-test-dropped", {{"sockets", "1"}}, {PropertyId::rfc_transitions}});
}

TEST_CASE("case study L1: a final ACK that queues its child on a closed listener leaves it there for good") {
    check_case({"queue-add-after-listener-close",
                {{"listener", "yes"}, {"sockets", "0"}, {"syn-queue", "1"}, {"fin-timeout", "60"}},
                {PropertyId::no_deadlock, PropertyId::eventually_destroyed, PropertyId::listener_drains}});
}
