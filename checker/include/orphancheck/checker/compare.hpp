// Comparing two models (profiles, patched variants) on the same
// configuration: the shortest observable trace one allows and the other not.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "orphancheck/checker/spec.hpp"

namespace orphancheck::checker {

// One step of an observable trace: which socket did what, the TCP state it
// reached, its wire and ghost after the step, the properties the step breaks
// and the orphan count after it.
struct ObservedStep {
    int socket = -1;  // -1: the orphan cache refresh
    std::string event;
    std::string state;  // the socket's local configuration after the step
    std::string wire;   // segments in flight and the peer (describe_env)
    std::string ghost;  // "incs=1 decs=1 destroyed"
    std::vector<std::string> breaks;  // step properties this step violates
    int orphans = 0;
};
// "deliver_ack -> CLOSE orphan [FIN->peer] incs=1 decs=1 destroyed, orphans=0, breaks rst-discipline"
[[nodiscard]] std::string describe_step(const ObservedStep& s);

struct Distinction {
    bool found = false;
    bool complete = true;  // false: the pair limit stopped the search, or a counter left its limit (patched model)
    int only_in = -1;      // 0: the last step is possible in the first model only, 1: in the second only
    std::string config;    // the kernel configuration the trace runs under
    std::vector<ObservedStep> steps;  // common prefix, then the distinguishing step
    std::string instead;  // what the other model does with the same event at that point, if anything
    std::uint64_t pairs = 0;  // pairs of states explored
};

// Breadth-first search over pairs of states reached by the same observable
// steps (socket, event, TCP state and SOCK_DEAD reached, segments in flight,
// peer, ghost, orphan-counter change, step properties broken). Both specs
// must have the same sockets and cases (they differ in profile or patch).
[[nodiscard]] Distinction distinguishing_trace(const ExploreSpec& a, const ExploreSpec& b, std::uint64_t max_pairs);

}  // namespace orphancheck::checker
