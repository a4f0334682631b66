// The case studies of model/patches/cases: each patch restates a kernel
// change (or a plausible regression of it); the test asserts the verdicts
// its reasoning implies: the buggy side violates the named properties with a
// counterexample, the fixed side (linux-6.12) holds every property.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "orphancheck/analysis/model_diff.hpp"
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

TEST_CASE("case study G3: the FIN_WAIT2 timer without its owned test destroys a socket close() still holds") {
    check_case({"keepalive-owned-test-dropped", {{"sockets", "1"}}, {PropertyId::rfc_transitions}});
}
