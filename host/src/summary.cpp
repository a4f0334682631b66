#include "orphancheck/host/summary.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace orphancheck::host {

HostFacts host_facts(const HostReading& h) {
    HostFacts f;
    f.max_orphans = h.max_orphans.value_or(h.orphans);
    if (h.hz) f.clock.hz = {*h.hz};
    f.oom_now = (h.max_orphans && h.orphans > *h.max_orphans) || (h.tcp_mem && h.mem_pages > (*h.tcp_mem)[2]);
    return f;
}

std::vector<NamespaceStories> tell_all(const HostReading& h, const HostFacts& facts) {
    std::vector<NamespaceStories> out;
    for (const NamespaceReading& ns : h.namespaces) {
        NamespaceStories n{&ns, {}};
        for (const auto& s : ns.sockets) n.stories.push_back(tell(s, ns.sysctls, facts));
        out.push_back(std::move(n));
    }
    return out;
}

Summary summarize(const HostReading& h, const HostFacts& facts, const std::vector<NamespaceStories>& all) {
    Summary sum;
    sum.oom_now = facts.oom_now;  // the same two comparisons as below, which say which one holds
    if (h.max_orphans && h.orphans > *h.max_orphans)
        sum.oom_why = fmt::format("{} orphans > tcp_max_orphans {}: tcp_check_oom fires, every orphan is reset and "
                                  "destroyed at close() and at its next retransmit or probe timer",
                                  h.orphans, *h.max_orphans);
    else if (h.tcp_mem && h.mem_pages > (*h.tcp_mem)[2])
        sum.oom_why = fmt::format("TCP memory {} pages > tcp_mem max {}: orphans with queued data are reset at their "
                                  "next retransmit or probe timer", h.mem_pages, (*h.tcp_mem)[2]);
    else if (!h.max_orphans || !h.tcp_mem)
        sum.oom_why = fmt::format("unknown: tcp_max_orphans and tcp_mem are visible only from the initial network "
                                  "namespace ({} orphans, TCP memory {} pages)", h.orphans, h.mem_pages);
    else
        sum.oom_why = fmt::format("no: {} orphans <= tcp_max_orphans {}, TCP memory {} pages <= tcp_mem max {}",
                                  h.orphans, *h.max_orphans, h.mem_pages, (*h.tcp_mem)[2]);
    double latest = 0;
    for (const NamespaceStories& n : all)
        for (const SocketStory& st : n.stories) {
            switch (st.kind) {
                case SocketKind::orphan:
                    ++sum.counted;
                    ++sum.by_state_cause[{st.state, st.cause}];
                    if (!st.orphan_left || !st.orphan_left->hi) sum.unbounded = true;
                    else latest = std::max(latest, *st.orphan_left->hi);
                    break;
                case SocketKind::timewait_bucket:
                    ++(st.state == "FIN_WAIT2" ? sum.fin_wait2_buckets : sum.tw_buckets);
                    break;
                case SocketKind::open:
                    if (st.state != "ESTABLISHED" && st.state != "CLOSE_WAIT") ++sum.open_closing;
                    break;
                case SocketKind::listener: break;
                case SocketKind::outside: ++sum.outside; break;
            }
        }
    sum.elsewhere = std::max(0, h.orphans - sum.counted);
    if (sum.counted > 0 && !sum.unbounded) sum.last_gone_latest = latest;
    return sum;
}

}  // namespace orphancheck::host
