// What an operator acts on: the host's orphans by state and cause, the global counter against the orphans of
// the namespaces read, whether tcp_check_oom would fire now, timewait buckets as what they are, and when the
// last current orphan is gone at the latest.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "orphancheck/host/reading.hpp"
#include "orphancheck/host/story.hpp"

namespace orphancheck::host {

struct NamespaceStories {
    const NamespaceReading* ns = nullptr;
    std::vector<SocketStory> stories;  // one per ns->sockets entry
};

struct Summary {
    int counted = 0;                                   // orphans in the namespaces read
    std::map<std::pair<std::string, std::string>, int> by_state_cause;
    int tw_buckets = 0, fin_wait2_buckets = 0;         // timewait buckets (not orphans)
    int open_closing = 0;                              // shut down or lingering: closing, not counted
    int outside = 0;                                   // sockets the model does not cover
    int elsewhere = 0;                                 // tcp_orphan_count minus `counted` (when above)
    bool oom_now = false;
    std::string oom_why;                               // why tcp_check_oom fires or not
    std::optional<double> last_gone_latest;            // seconds from now; none if unbounded or no orphan
    bool unbounded = false;                            // some orphan has no upper bound
};

// tcp_check_oom as it would run now: the cached count is about the counter (it lags by up to 100 ms).
[[nodiscard]] HostFacts host_facts(const HostReading& h);
[[nodiscard]] std::vector<NamespaceStories> tell_all(const HostReading& h, const HostFacts& facts);
[[nodiscard]] Summary summarize(const HostReading& h, const HostFacts& facts, const std::vector<NamespaceStories>& all);

}  // namespace orphancheck::host
