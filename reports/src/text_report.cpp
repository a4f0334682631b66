#include <fmt/format.h>
#include <fmt/ostream.h>

#include "orphancheck/reports/report.hpp"

namespace orphancheck::reports {

void write_trace(std::ostream& out, const checker::Trace& t) {
    fmt::print(out, "    configuration: {}\n", t.config);
    for (std::size_t i = 0; i < t.steps.size(); ++i) {
        const checker::TraceStep& s = t.steps[i];
        if (int(i) == t.cycle_start) fmt::print(out, "    -- cycle starts here (repeats forever) --\n");
        if (i == 0) {
            fmt::print(out, "    {:>3}. {}\n", i, s.event);
            continue;
        }
        const std::string who = s.socket < 0 ? std::string("global") : fmt::format("socket {}", s.socket);
        fmt::print(out, "    {:>3}. [{}] {}", i, who, s.event);
        if (!s.kernel_function.empty()) fmt::print(out, "  -> {} ({})", s.kernel_function, s.rows);
        if (!s.patched.empty()) fmt::print(out, " [patched: {}]", s.patched);
        fmt::print(out, "\n         now: ");
        if (s.socket >= 0) fmt::print(out, "{}{}{}; ", s.state, s.network.empty() ? "" : "  in flight: ", s.network);
        fmt::print(out, "orphans={} cache={}\n", s.orphans, s.orphan_cache);
    }
    if (t.cycle_start >= 0) fmt::print(out, "    -- back to step {} --\n", t.cycle_start);
    if (!t.note.empty()) fmt::print(out, "    note: {}\n", t.note);
}

namespace {
std::string describe_peer(const checker::PeerConfig& p) {
    std::string s;
    auto add = [&s](bool on, const char* what) {
        if (!on) return;
        if (!s.empty()) s += ", ";
        s += what;
    };
    add(p.fin, "may close (FIN)");
    add(p.rst, "may abort (RST)");
    add(p.data, "may send data after our close");
    add(p.loss, "any segment may be lost");
    add(p.abort, "an administrator may run ss -K (tcp_abort)");
    return s.empty() ? "silent, lossless" : s;
}
}  // namespace

void write_text(std::ostream& out, const checker::ExploreSpec& spec, const checker::ExploreResult& r) {
    constexpr const char* kStores[] = {"full", "compact", "bitstate"};
    const std::string threads = fmt::format("{} thread{}", spec.threads, spec.threads == 1 ? "" : "s");
    fmt::print(out, "orphancheck {}: {}, {} socket{}, engine {}, symmetry {}, partial-order reduction {}, {} store, {}\n",
               kVersion, spec.profile, spec.sockets, spec.sockets == 1 ? "" : "s",
               spec.engine == checker::Engine::table ? "table" : "msm", spec.symmetry ? "on" : "off",
               spec.por ? "on" : "off", kStores[int(spec.store)],
               r.stats.ranks > 1 ? fmt::format("{} ranks of 1 thread (mpirun)", r.stats.ranks) : threads);
    if (!spec.roles.empty()) fmt::print(out, "sockets: {}\n", checker::describe_roles(spec.roles, spec.sockets));
    if (spec.memory_available_bytes)
        fmt::print(out, "memory limit {:.1f} GiB: {} % of the {:.1f} GiB available at the start (--memory-limit 0: none)\n",
                   double(spec.memory_limit_bytes) / (1 << 30), checker::kAutoMemoryLimitPercent,
                   double(spec.memory_available_bytes) / (1 << 30));
    constexpr std::size_t kListed = 8;
    for (std::size_t i = 0; i < spec.cases.size() && i < kListed; ++i)
        fmt::print(out, "configuration {}: {}\n", i + 1, spec.cases[i].describe());
    if (spec.cases.size() > kListed) fmt::print(out, "... {} configurations in all\n", spec.cases.size());
    fmt::print(out, "each socket closes with: {}\n", spec.cases.front().describe_closes());
    fmt::print(out, "peer: {}\n", describe_peer(spec.cases.front().peer));
    if (!spec.patch.empty()) fmt::print(out, "patch {}: {}\n", spec.patch.name, spec.patch.describe());
    for (const auto& p : r.properties) {
        const auto& i = properties::info(p.id);
        fmt::print(out, "  {:<24} {}\n", i.name, status_name(p.status));
    }
    const auto& s = r.stats;
    if (spec.symmetry && spec.sockets > 1 && !spec.roles.empty())
        fmt::print(out, "symmetry reduction: {} classes of states (sockets in equal configurations are interchangeable, "
                        "whatever their role; the unreduced count is not derived with a listener)\n", s.states);
    else if (spec.symmetry && spec.sockets > 1)
        fmt::print(out, "symmetry reduction: {} states stand for {:.0f} {} ({:.1f}x)\n", s.states, s.raw_states,
                   spec.por ? "of the reduced graph" : "without it",
                   s.raw_states / double(std::max<std::uint64_t>(1, s.states)));
    if (spec.por && spec.sockets > 1)
        fmt::print(out,
                   "partial-order reduction: in {} of {} states one socket moved alone; every safety verdict is that "
                   "of the unreduced graph\n",
                   s.ample_states, s.states);
    if (s.store == checker::StoreKind::compact)
        fmt::print(out,
                   "store compact (64-bit fingerprints): the verdict holds unless two states shared a fingerprint, "
                   "probability {:.1e}\n",
                   s.collision_probability);
    if (s.store == checker::StoreKind::bitstate)
        fmt::print(out,
                   "store bitstate: about {:.1f} states expected to be missed by hash-bit collisions, expected "
                   "coverage {:.4f} %; a 'holds' is not a proof\n",
                   s.expected_omissions, 100.0 * double(s.states) / (double(s.states) + s.expected_omissions));
    fmt::print(out,
               "states {}  transitions {}  depth {}  socket-configs {}  time {:.3f} s (explore {:.3f} s, liveness "
               "{:.3f} s)  {:.0f} states/s  {:.1f} bytes/state  peak RSS {:.1f} MiB\n",
               s.states, s.transitions, s.depth, s.socket_configs, s.seconds, s.explore_seconds, s.liveness_seconds,
               s.states_per_second, s.bytes_per_state, double(s.peak_rss_bytes) / (1 << 20));
    if (!s.liveness_method.empty()) fmt::print(out, "liveness: {}\n", s.liveness_method);
    if (s.ranks > 1)
        fmt::print(out, "ranks {}: the largest store a rank held {:.1f} MiB ({:.0f} % of all ranks' {:.1f} MiB), the "
                        "largest peak RSS of a rank {:.1f} MiB\n",
                   s.ranks, double(s.max_rank_store_bytes) / (1 << 20),
                   100.0 * double(s.max_rank_store_bytes) / std::max(1.0, s.bytes_per_state * double(s.states)),
                   s.bytes_per_state * double(s.states) / (1 << 20), double(s.max_rank_peak_rss_bytes) / (1 << 20));
    for (const auto& p : r.properties) {
        if (!p.counterexample) continue;
        const auto& i = properties::info(p.id);
        fmt::print(out, "\ncounterexample for {} ({}):\n", i.name, i.meaning);
        write_trace(out, *p.counterexample);
    }
    if (!r.incomplete_reason.empty()) fmt::print(out, "\nincomplete: {}\n", r.incomplete_reason);
    fmt::print(out, "verdict: {}\n", verdict_name(r.verdict));
}

}  // namespace orphancheck::reports
