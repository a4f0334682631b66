// Golden unique-state and transition counts of fixed configurations. They
// change only when the model changes; update them deliberately then.
#include <doctest/doctest.h>

#include "helpers.hpp"

using namespace orphancheck;

namespace {
struct Golden {
    const char* name;
    cli::OptionValues opts;
    std::uint64_t states, transitions;
    std::uint32_t depth;
};

const Golden kGolden[] = {
    {"one socket, every option", test::one_socket_all(), 9906, 50596, 13},
    {"two sockets, lean peer", test::with(test::two_sockets_lean(), "symmetry", "no"), 312656, 2767810, 23},
    {"one socket, retries 0 (8), no tw buckets, memory pressure",
     {{"sockets", "1"}, {"linger2", "all"}, {"orphan-retries", "0"}, {"max-tw-buckets", "0"}, {"memory-pressure", "all"}},
     45494, 237458, 19},
};
}  // namespace

TEST_CASE("golden state and transition counts, identical on a second run") {
    for (const Golden& g : kGolden) {
        INFO(std::string(g.name));
        const auto a = checker::explore(test::spec_of(g.opts));
        const auto b = checker::explore(test::spec_of(g.opts));
        MESSAGE(std::string(g.name) << ": " << a.stats.states << " states, " << a.stats.transitions << " transitions, depth "
                       << a.stats.depth);
        CHECK(a.verdict == checker::Verdict::pass);
        CHECK(a.stats.states == g.states);
        CHECK(a.stats.transitions == g.transitions);
        CHECK(a.stats.depth == g.depth);
        CHECK(b.stats.states == a.stats.states);
        CHECK(b.stats.transitions == a.stats.transitions);
    }
}
