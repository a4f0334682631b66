// Multi-core search: the same states, transitions, depth and verdicts for
// any thread count (the store is split by hash, the numbering differs), and
// the same counterexample on every run with one thread count.
#include <doctest/doctest.h>

#include "helpers.hpp"

using namespace orphancheck;

namespace {
checker::ExploreResult run_threads(cli::OptionValues opts, int threads, const std::string& patch = "") {
    opts["threads"] = std::to_string(threads);
    auto spec = test::patched_spec_of(opts, patch);
    return checker::explore(spec);
}

void check_same_counts(const cli::OptionValues& opts, const std::string& patch = "") {
    const auto one = run_threads(opts, 1, patch);
    for (int t : {2, 3}) {
        INFO(t << " threads, patch '" << patch << "'");
        const auto many = run_threads(opts, t, patch);
        CHECK(many.verdict == one.verdict);
        if (one.verdict == checker::Verdict::pass) {  // a failing run may stop inside a level
            CHECK(many.stats.states == one.stats.states);
            CHECK(many.stats.transitions == one.stats.transitions);
            CHECK(many.stats.depth == one.stats.depth);
            CHECK(many.stats.raw_states == one.stats.raw_states);
            CHECK(many.stats.socket_configs == one.stats.socket_configs);
        }
        for (std::size_t i = 0; i < one.properties.size(); ++i) {
            INFO("property " << properties::info(one.properties[i].id).name);
            CHECK(many.properties[i].status == one.properties[i].status);
            if (one.properties[i].counterexample) {
                REQUIRE(many.properties[i].counterexample.has_value());
                // Breadth-first: a shortest counterexample whatever the numbering (lassos excepted).
                if (one.properties[i].counterexample->cycle_start < 0)
                    CHECK(many.properties[i].counterexample->steps.size() ==
                          one.properties[i].counterexample->steps.size());
            }
        }
        const auto again = run_threads(opts, t, patch);
        CHECK(again.stats.states == many.stats.states);
        for (std::size_t i = 0; i < many.properties.size(); ++i)
            if (many.properties[i].counterexample)
                CHECK(again.properties[i].counterexample->states == many.properties[i].counterexample->states);
    }
}
}  // namespace

TEST_CASE("threads: identical counts and verdicts for 1, 2 and 3 threads") {
    check_same_counts(test::with(test::two_sockets_lean(), "abort", "yes"));
    check_same_counts(test::with(test::two_sockets_lean(), "symmetry", "no"));
    check_same_counts(test::with(test::one_socket_all(), "store", "compact"));
    check_same_counts(test::with(test::with(test::two_sockets_lean(), "sockets", "3"), "loss", "no"));
}

TEST_CASE("threads: identical verdicts on broken variants, with and without lossy stores") {
    const std::string broken = std::string(ORPHANCHECK_CHECKS) + "/../model/patches/broken/double-decrement.toml";
    check_same_counts(test::two_sockets_lean(), broken);
    check_same_counts(test::with(test::two_sockets_lean(), "store", "bitstate"), broken);
    check_same_counts(test::with(test::two_sockets_lean(), "profile", "linux-5.15"));
}
