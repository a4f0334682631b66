// The liveness pass walks the edges the breadth-first pass recorded, or
// regenerates every state's successors (ExploreSpec::record_edges false, or
// too little memory): the same components in the same order, so the same
// verdicts and the same lasso, for any thread count.
#include <doctest/doctest.h>

#include "helpers.hpp"

using namespace orphancheck;

namespace {
checker::ExploreResult run(cli::OptionValues opts, int threads, bool record) {
    opts["threads"] = std::to_string(threads);
    checker::ExploreSpec spec = test::spec_of(opts);
    spec.record_edges = record;
    return checker::explore(spec);
}

void check_same_walk(const cli::OptionValues& opts, const std::string& what) {
    for (int threads : {1, 2}) {
        const auto walked = run(opts, threads, true);
        const auto regenerated = run(opts, threads, false);
        INFO(what << ", " << threads << " thread(s)");
        CHECK(walked.verdict == regenerated.verdict);
        CHECK(walked.stats.states == regenerated.stats.states);
        CHECK(walked.stats.transitions == regenerated.stats.transitions);
        REQUIRE(walked.properties.size() == regenerated.properties.size());
        for (std::size_t i = 0; i < walked.properties.size(); ++i) {
            const auto& a = walked.properties[i];
            const auto& b = regenerated.properties[i];
            INFO("property " << properties::info(a.id).name);
            CHECK(a.status == b.status);
            REQUIRE(a.counterexample.has_value() == b.counterexample.has_value());
            if (!a.counterexample) continue;
            CHECK(a.counterexample->cycle_start == b.counterexample->cycle_start);
            CHECK(a.counterexample->states == b.counterexample->states);
        }
    }
}

cli::OptionValues answered_probes(const std::string& symmetry) {
    return {{"sockets", "2"},       {"peer-window", "closes"}, {"tcp-retries2", "9"}, {"linger", "off"},
            {"unread", "no"},       {"peer-fin", "no"},        {"peer-rst", "no"},    {"peer-data", "no"},
            {"loss", "no"},         {"orphan-retries", "0"},   {"liveness", "global"}, {"symmetry", symmetry}};
}
}  // namespace

TEST_CASE("recorded edges: the liveness pass finds what regenerating finds, passing runs") {
    check_same_walk(test::two_sockets_lean(), "two sockets, lean");
    check_same_walk(test::with(test::two_sockets_lean(), "symmetry", "no"), "two sockets, lean, no symmetry");
    check_same_walk(test::with(test::one_socket_all(), "abort", "yes"), "one socket, everything");
}

TEST_CASE("recorded edges: the same weakly fair cycle as regenerating (answered zero-window probes)") {
    for (const char* sym : {"yes", "no"}) {
        const auto r = run(answered_probes(sym), 1, true);
        const auto& ev = test::result_of(r, properties::PropertyId::eventually_destroyed);
        INFO("symmetry " << sym);
        REQUIRE(ev.status == checker::Status::violated);
        REQUIRE(ev.counterexample.has_value());
        CHECK(ev.counterexample->cycle_start >= 0);
        check_same_walk(answered_probes(sym), std::string("answered probes, symmetry ") + sym);
    }
}

TEST_CASE("recorded edges: a memory limit that leaves no room for them gives the regenerating walk's result") {
    // Enough for the store and the liveness arrays, not for about 60 bytes of edges per state beside them.
    const cli::OptionValues opts =
        test::with(test::with(test::with(test::two_sockets_lean(), "sockets", "3"), "loss", "no"), "symmetry", "no");
    const auto free_run = run(opts, 1, true);
    REQUIRE(free_run.verdict == checker::Verdict::pass);
    CHECK(free_run.stats.liveness_method.find("over the edges the breadth-first pass recorded") != std::string::npos);
    const std::uint64_t states = free_run.stats.states;
    REQUIRE(states > 1000000);  // the edges (> 50 MiB) outweigh the store's rounding to MiB
    const auto store_bytes = std::uint64_t(free_run.stats.bytes_per_state * double(states));
    cli::OptionValues limited = opts;
    limited["memory-limit"] = std::to_string((store_bytes * 2 + states * 13 + (8 << 20)) >> 20) + "M";
    INFO("memory limit " << limited["memory-limit"] << ", " << states << " states");
    const auto tight = run(limited, 1, true);
    CHECK(tight.verdict == checker::Verdict::pass);
    CHECK(tight.stats.states == states);
    CHECK(tight.stats.liveness_method.find("regenerating each state's successors") != std::string::npos);
    CHECK(run(opts, 1, false).stats.liveness_method.find("regenerating") != std::string::npos);
}
