// eventually-destroyed decided socket by socket (README, "Liveness at scale"): where no socket can see another
// (no guard reads the orphan cache or the timewait bucket count for any value they can take, and no listener
// links its queues), a run of N sockets is an interleaving of N independent runs of one socket, and weak
// fairness of the whole run is weak fairness of each socket's own run. So every weakly fair run of N sockets
// ends with all destroyed iff every weakly fair run of one socket ends destroyed, which a run of one socket
// per role decides. The safety properties are checked on the N sockets as usual (with the partial-order
// reduction, which keeps them).
#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "compositional.hpp"
#include "orphancheck/checker/socket_space.hpp"

namespace orphancheck::checker {

using properties::PropertyId;

std::string compositional_premise(const ExploreSpec& spec) {
    for (int s = 0; s < spec.sockets; ++s) {
        const model::SlotRole r = spec.role_of(s);
        if (r == model::SlotRole::listener || r == model::SlotRole::child || r == model::SlotRole::request)
            return "a listener and the sockets of its queues see each other (the listener's state)";
    }
    for (std::size_t i = 0; i < spec.cases.size(); ++i) {
        const model::SysctlConfig& sys = spec.cases[i].sysctl;
        const int base = guard_index_of(sys, 0, 0);
        for (int cache = 0; cache <= 255; ++cache)
            if (guard_index_of(sys, cache, 0) != base)
                return fmt::format("configuration {}: tcp_max_orphans {} is within reach of {} sockets (a close() "
                                   "sees how many other sockets are orphans)",
                                   i + 1, sys.max_orphans, spec.sockets);
        for (int buckets = 0; buckets <= spec.sockets; ++buckets)
            if (guard_index_of(sys, 0, buckets) != base)
                return fmt::format("configuration {}: tcp_max_tw_buckets {} is within reach of {} sockets (whether a "
                                   "socket gets a timewait bucket depends on the others)",
                                   i + 1, sys.max_tw_buckets, spec.sockets);
    }
    return "";
}

ExploreResult explore_compositional(const ExploreSpec& spec) {
    using Clock = std::chrono::steady_clock;
    const auto t0 = Clock::now();
    const properties::PropertyMask ev = properties::bit(PropertyId::eventually_destroyed);
    ExploreSpec whole = spec;
    whole.properties &= ~ev;
    whole.liveness = LivenessMethod::global;
    ExploreResult res = explore(whole);

    std::vector<model::SlotRole> roles;
    for (int s = 0; s < spec.sockets; ++s)
        if (std::find(roles.begin(), roles.end(), spec.role_of(s)) == roles.end()) roles.push_back(spec.role_of(s));
    PropertyResult verdict{PropertyId::eventually_destroyed, Status::holds, std::nullopt};
    std::uint64_t alone_states = 0;
    double alone_seconds = 0;
    std::string alone_incomplete;
    for (const model::SlotRole role : roles) {
        ExploreSpec one = spec;
        one.sockets = 1;
        if (!spec.roles.empty()) one.roles = {role};
        one.properties = ev;
        one.por = false;
        one.symmetry = false;
        one.liveness = LivenessMethod::global;
        if (spec.time_limit_seconds > 0)
            one.time_limit_seconds =
                std::max(0.001, spec.time_limit_seconds - std::chrono::duration<double>(Clock::now() - t0).count());
        const ExploreResult r = explore(one);
        alone_states += r.stats.states;
        alone_seconds += r.stats.seconds;
        const PropertyResult& p = r.properties.front();
        if (p.status == Status::violated) {
            verdict = p;
            if (verdict.counterexample)
                verdict.counterexample->note +=
                    fmt::format(" (one socket alone: the sockets cannot see each other, so each of the {} can run "
                                "this, and the run of all of them is as fair and never ends with all destroyed)",
                                spec.sockets);
            break;
        }
        if (p.status == Status::unknown || r.verdict == Verdict::incomplete) {
            verdict.status = Status::unknown;
            if (alone_incomplete.empty()) alone_incomplete = "one socket alone: " + r.incomplete_reason;
        }
    }
    res.properties.push_back(std::move(verdict));
    std::sort(res.properties.begin(), res.properties.end(),
              [](const PropertyResult& a, const PropertyResult& b) { return a.id < b.id; });
    if (!alone_incomplete.empty())
        res.incomplete_reason += (res.incomplete_reason.empty() ? "" : "; ") + alone_incomplete;
    const auto has = [&](Status st) {
        return std::any_of(res.properties.begin(), res.properties.end(),
                           [st](const PropertyResult& p) { return p.status == st; });
    };
    res.verdict = has(Status::violated)                                          ? Verdict::fail
                  : has(Status::unknown) || !res.incomplete_reason.empty() ? Verdict::incomplete
                                                                           : Verdict::pass;
    Stats& st = res.stats;
    st.liveness_seconds = alone_seconds;
    st.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    st.liveness_method = fmt::format(
        "compositional: each socket alone ({} state{} with one socket{}), and no socket can see another "
        "(tcp_max_orphans and tcp_max_tw_buckets out of reach of {} sockets in every configuration, no listener)",
        alone_states, alone_states == 1 ? "" : "s",
        roles.size() == 1 ? "" : fmt::format(", one run for each of its {} roles", roles.size()), spec.sockets);
    return res;
}

}  // namespace orphancheck::checker
