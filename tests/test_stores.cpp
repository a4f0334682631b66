// Lossy visited-state stores: compact (64-bit fingerprints) and bitstate
// (hash bits) must explore the same states as the full store when nothing
// collides (deterministic hashes: these configurations are far from any
// collision), keep every verdict, and still give concrete counterexamples,
// rebuilt by replaying the recorded moves.
#include <doctest/doctest.h>

#include <string>

#include "helpers.hpp"

using namespace orphancheck;
using properties::PropertyId;

namespace {
checker::ExploreResult run_with(cli::OptionValues opts, const char* store, const std::string& patch = "") {
    opts["store"] = store;
    auto spec = test::patched_spec_of(opts, patch);
    return checker::explore(spec);
}

std::string patch_path(const char* name) {
    return std::string(ORPHANCHECK_CHECKS) + "/../model/patches/" + name + ".toml";
}

void check_like_full(const cli::OptionValues& opts, const std::string& patch = "") {
    INFO("patch '" << patch << "'");
    const auto full = run_with(opts, "full", patch);
    const auto compact = run_with(opts, "compact", patch);
    const auto bits = run_with(opts, "bitstate", patch);
    REQUIRE(full.verdict != checker::Verdict::incomplete);
    CHECK(compact.verdict == full.verdict);
    CHECK(compact.stats.states == full.stats.states);
    CHECK(compact.stats.collision_probability > 0);
    CHECK(compact.stats.collision_probability < 1e-6);
    CHECK(bits.stats.states == full.stats.states);
    CHECK(bits.stats.expected_omissions < 1e-3);
    for (std::size_t i = 0; i < full.properties.size(); ++i) {
        const auto& f = full.properties[i];
        INFO("property " << properties::info(f.id).name);
        CHECK(compact.properties[i].status == f.status);
        if (f.counterexample) {
            REQUIRE(compact.properties[i].counterexample.has_value());
            CHECK(compact.properties[i].counterexample->steps.size() == f.counterexample->steps.size());
        }
        // bitstate has no liveness pass: eventually-destroyed stays unknown unless a stuck state showed it.
        if (f.id == PropertyId::eventually_destroyed && f.status == checker::Status::holds) {
            CHECK(bits.properties[i].status == checker::Status::unknown);
            continue;
        }
        if (f.id == PropertyId::eventually_destroyed && bits.properties[i].status == checker::Status::unknown) continue;
        CHECK(bits.properties[i].status == f.status);
        if (f.counterexample && bits.properties[i].status == checker::Status::violated) {
            REQUIRE(bits.properties[i].counterexample.has_value());
            CHECK(bits.properties[i].counterexample->steps.size() == f.counterexample->steps.size());
        }
    }
}
}  // namespace

TEST_CASE("stores: compact and bitstate explore what the full store explores, with the same verdicts") {
    check_like_full(test::with(test::two_sockets_lean(), "abort", "yes"));
    check_like_full(test::with(test::one_socket_all(), "profile", "linux-5.15"));
    check_like_full(test::with(test::two_sockets_lean(), "symmetry", "no"));
}

TEST_CASE("stores: counterexamples of broken variants are replayed from the recorded moves") {
    check_like_full(test::two_sockets_lean(), patch_path("broken/double-decrement"));
    check_like_full(test::with(test::one_socket_all(), "abort", "yes"), patch_path("cases/tcp-abort-forever-orphan"));
    check_like_full(test::with(test::two_sockets_lean(), "abort", "yes"),
                    patch_path("cases/keepalive-rst-fallback-removed"));
}

TEST_CASE("stores: a bit array too small for the space reports the states it expects to have missed") {
    auto spec = test::spec_of(test::with(test::two_sockets_lean(), "store", "bitstate"));
    spec.bitstate_bytes = 1u << 20;  // below what the command line allows: 8 M bits for 156 k states
    spec.threads = 1;                // one shard holds all of them
    const auto r = checker::explore(spec);
    const auto full = run_with(test::two_sockets_lean(), "full");
    MESSAGE(r.stats.states << " of " << full.stats.states << " states, " << r.stats.expected_omissions
                           << " expected missed");
    CHECK(r.stats.states < full.stats.states);
    CHECK(r.stats.expected_omissions > 0.1 * double(full.stats.states - r.stats.states));
}
