// Symmetry reduction: the sockets are interchangeable, so storing one state
// per permutation class must not change any verdict. Compared here with the
// unreduced search on the shipped model, on every case-study and broken
// patch and on the linux-5.15 profile (which violates liveness through fair
// cycles, the part the quotient only filters and a concrete search confirms).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "helpers.hpp"

using namespace orphancheck;

namespace {
std::vector<checker::Status> statuses(const checker::ExploreResult& r) {
    std::vector<checker::Status> s;
    for (const auto& p : r.properties) s.push_back(p.status);
    return s;
}

// Explores `opts` (+ patch) with and without reduction; the verdicts and the represented state count must agree.
void check_same(const cli::OptionValues& opts, const std::string& patch = "") {
    INFO("options " << opts.at("sockets") << " sockets, patch '" << patch << "'");
    auto spec = test::patched_spec_of(opts, patch);
    spec.symmetry = false;
    const auto plain = checker::explore(spec);
    spec.symmetry = true;
    const auto reduced = checker::explore(spec);
    REQUIRE(plain.verdict != checker::Verdict::incomplete);
    CHECK(reduced.verdict == plain.verdict);
    CHECK(statuses(reduced) == statuses(plain));
    for (std::size_t i = 0; i < plain.properties.size(); ++i) {
        INFO("property " << properties::info(plain.properties[i].id).name);
        CHECK(reduced.properties[i].counterexample.has_value() == plain.properties[i].counterexample.has_value());
    }
    // Every property found violated stops the search early; otherwise every class was stored.
    if (plain.verdict == checker::Verdict::pass) CHECK(reduced.stats.raw_states == double(plain.stats.states));
    CHECK(reduced.stats.states <= plain.stats.states);
}

std::vector<std::string> patch_files() {
    std::vector<std::string> files;
    for (const char* dir : {"cases", "broken"})
        for (const auto& e :
             std::filesystem::directory_iterator(std::string(ORPHANCHECK_CHECKS) + "/../model/patches/" + dir))
            files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

// A silent peer: small enough for three sockets with loss, four without, unreduced.
const cli::OptionValues kSilent = {{"linger", "off"},   {"linger2", "sysctl"}, {"unread", "no"},
                                   {"peer-fin", "no"},  {"peer-data", "no"},   {"peer-rst", "no"},
                                   {"fin-timeout", "60"}};
}  // namespace

TEST_CASE("symmetry: same verdicts as the unreduced search on the shipped model, N = 2, 3, 4") {
    check_same(test::with(test::two_sockets_lean(), "abort", "yes"));
    check_same(test::with(kSilent, "sockets", "3"));
    check_same(test::with(test::with(kSilent, "sockets", "4"), "loss", "no"));
}

TEST_CASE("symmetry: same verdicts as the unreduced search on every case-study and broken patch, N = 2, 3") {
    for (const std::string& patch : patch_files()) {
        check_same(test::with(test::two_sockets_lean(), "abort", "yes"), patch);
        check_same(test::with(test::with(kSilent, "sockets", "3"), "abort", "yes"), patch);
    }
}

TEST_CASE("symmetry: same verdicts on the linux-5.15 profile (fair cycles confirmed concretely), N = 2, 3") {
    const auto old = test::with(test::with(test::two_sockets_lean(), "abort", "yes"), "profile", "linux-5.15");
    check_same(old);
    check_same(test::with(test::with(old, "sockets", "3"), "loss", "no"));
}

TEST_CASE("symmetry: six sockets are stored in at least 50 times fewer states") {
    auto spec = test::spec_of(test::with(test::with(kSilent, "sockets", "6"), "loss", "no"));
    spec.properties = properties::bit(properties::PropertyId::orphan_balance);
    const auto r = checker::explore(spec);
    REQUIRE(r.verdict == checker::Verdict::pass);
    MESSAGE(r.stats.states << " classes stand for " << r.stats.raw_states << " states");
    CHECK(r.stats.raw_states >= 50.0 * double(r.stats.states));
}
