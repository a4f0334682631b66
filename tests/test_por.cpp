// Partial-order reduction: in a state where one socket's moves are independent
// of everything the other sockets do and invisible to the properties, only
// that socket moves. It must not change any safety verdict. Compared here
// with the unreduced search on the shipped model, on every shipped patch and
// on every single-edit mutant of the table (a broken model is where a wrong
// independence claim would hide a violation).
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "orphancheck/analysis/mutate.hpp"
#include "orphancheck/checker/socket_space.hpp"

using namespace orphancheck;
using properties::PropertyId;

namespace {
// Safety verdicts with and without reduction agree. counter-never-negative is decided by the
// reduction only while orphan-balance holds (a negative counter breaks the balance).
void check_same(checker::ExploreSpec spec, const std::string& what) {
    INFO(what);
    spec.properties &= ~properties::bit(PropertyId::eventually_destroyed);
    spec.por = false;
    if (!spec.patch.edits.empty()) spec.max_states = 1'000'000;  // a broken counter may run away
    checker::ExploreResult plain;
    try {
        plain = checker::explore(spec);
    } catch (const std::runtime_error&) {
        CHECK(!spec.patch.edits.empty());  // a mutant that cannot be built (as orphancheck mutate says)
        return;
    }
    bool unknown = false;  // stopped by the state limit (a verdict may still be final)
    for (const auto& p : plain.properties) unknown = unknown || p.status == checker::Status::unknown;
    if (unknown) {
        CHECK(!spec.patch.edits.empty());  // only a broken model may run away
        return;
    }
    spec.por = true;
    const auto reduced = checker::explore(spec);
    CHECK(reduced.stats.states <= plain.stats.states);
    const bool balance_broken =
        test::result_of(plain, PropertyId::orphan_balance).status == checker::Status::violated;
    for (std::size_t i = 0; i < plain.properties.size(); ++i) {
        const auto& p = plain.properties[i];
        INFO("property " << properties::info(p.id).name);
        if (p.id == PropertyId::counter_never_negative && balance_broken &&
            reduced.properties[i].status == checker::Status::unknown)
            continue;
        CHECK(reduced.properties[i].status == p.status);
    }
    if (!balance_broken) CHECK(reduced.verdict == plain.verdict);
}

// Two sockets with a lean peer; `limits`: tcp_max_orphans and tcp_max_tw_buckets above the
// socket count, so that no guard reads the orphan cache and the counter moves commute (the
// strongest reduction); else both at 1, where the cache and the buckets matter.
cli::OptionValues lean(bool limits) {
    auto o = test::two_sockets_lean();
    o["linger"] = "off,0";
    if (limits) o["max-orphans"] = o["max-tw-buckets"] = "99";
    return o;
}
}  // namespace

TEST_CASE("por: same safety verdicts as the unreduced search on the shipped model") {
    for (bool limits : {false, true}) {
        check_same(test::spec_of(test::with(test::with(lean(limits), "sockets", "3"), "loss", "no")), "lossless N=3");
        check_same(test::spec_of(test::with(lean(limits), "linger", "all")), "lean N=2, every SO_LINGER");
    }
    check_same(test::spec_of({{"sockets", "2"}, {"max-orphans", "99"}, {"max-tw-buckets", "99"}}), "default N=2");
    check_same(test::spec_of({{"sockets", "2"}, {"memory-pressure", "yes"}, {"max-tw-buckets", "0"}}),
               "default N=2 under memory pressure");
}

TEST_CASE("por: same safety verdicts on every shipped patch") {
    for (const char* dir : {"cases", "broken"})
        for (const auto& e : std::filesystem::directory_iterator(std::string(ORPHANCHECK_CHECKS) + "/../model/patches/" + dir))
            for (bool limits : {false, true})
                check_same(test::patched_spec_of(lean(limits), e.path().string()), e.path().filename().string());
}

// Every 32nd mutant (all 1,339 with ORPHANCHECK_ALL_MUTANTS=1: about 8 minutes on 2 cores).
TEST_CASE("por: same safety verdicts on single-edit mutants of the table") {
    const auto mutants = analysis::all_mutants();
    REQUIRE(mutants.size() > 100);
    const std::size_t stride = std::getenv("ORPHANCHECK_ALL_MUTANTS") ? 1 : 32;
    for (bool limits : {false, true})
        for (std::size_t i = limits ? stride / 2 : 0; i < mutants.size(); i += stride) {
            const auto& m = mutants[i];
            auto spec = test::spec_of(lean(limits));
            spec.patch.edits.push_back(m.edit);
            check_same(spec, m.describe() + (limits ? " (limits above the socket count)" : ""));
        }
}

TEST_CASE("por: the reduction takes effect, and is refused for liveness") {
    auto spec = test::spec_of(test::with(test::with(lean(true), "sockets", "3"), "loss", "no"));
    spec.properties &= ~properties::bit(PropertyId::eventually_destroyed);
    spec.por = true;
    const auto r = checker::explore(spec);
    CHECK(r.verdict == checker::Verdict::pass);
    CHECK(r.stats.ample_states > r.stats.states / 2);
    spec.por = false;
    CHECK(checker::explore(spec).stats.states > 20 * r.stats.states);
    spec.por = true;
    spec.properties |= properties::bit(PropertyId::eventually_destroyed);
    // Where no socket sees another, eventually-destroyed is decided socket by socket beside the reduced search.
    CHECK(checker::explore(spec).stats.liveness_method.rfind("compositional: ", 0) == 0);
    spec.liveness = checker::LivenessMethod::global;
    CHECK_THROWS_AS(checker::explore(spec), checker::SpecError);
    spec.properties = properties::bit(PropertyId::counter_never_negative);
    CHECK_THROWS_AS(checker::explore(spec), checker::SpecError);
}

TEST_CASE("por: without the moves of cycle-closing configurations, a socket's configurations form no cycle") {
    // The cycle proviso rests on this: a cycle of global states needs a closed walk of some socket,
    // and every closed walk passes a configuration that never moves alone.
    for (const auto& opts : {test::one_socket_all(), test::with(test::one_socket_all(), "max-orphans", "0")}) {
        const auto spec = test::spec_of(opts);
        checker::SocketSpace sp(spec.cases[0], spec.engine, spec.patch);
        sp.complete(2);
        const auto gins = sp.guard_inputs(2);
        std::vector<std::vector<checker::Combo>> next(sp.size());
        std::vector<int> indegree(sp.size(), 0);
        std::size_t closing = 0, cyclic_edges = 0;
        for (std::size_t c = 0; c < sp.size(); ++c) {
            const auto combo = checker::Combo(c);
            if (sp.closes_cycle(combo)) {
                ++closing;
                continue;
            }
            for (int gin : gins)
                for (const auto& mv : sp.moves(combo, gin)) {
                    next[c].push_back(mv.next);
                    ++indegree[mv.next];
                    cyclic_edges += mv.next == combo;
                }
        }
        CHECK(closing > 0);  // the peer's FIN lost and retransmitted is a cycle
        CHECK(cyclic_edges == 0);
        // Kahn's algorithm removes every configuration only if the rest is acyclic.
        std::vector<checker::Combo> ready;
        for (std::size_t c = 0; c < sp.size(); ++c)
            if (indegree[c] == 0) ready.push_back(checker::Combo(c));
        std::size_t removed = 0;
        while (!ready.empty()) {
            const auto c = ready.back();
            ready.pop_back();
            ++removed;
            for (auto n : next[c])
                if (--indegree[n] == 0) ready.push_back(n);
        }
        CHECK(removed == sp.size());
    }
}
