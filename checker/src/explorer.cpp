#include "orphancheck/checker/explorer.hpp"

#include <algorithm>

#include <fmt/ranges.h>

#include "compositional.hpp"
#include "orphancheck/checker/cluster.hpp"
#include "search.hpp"

namespace orphancheck::checker {

std::uint64_t peak_rss_bytes() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return std::uint64_t(ru.ru_maxrss) * 1024;
}

int packed_bytes(int sockets) { return 4 + 2 * sockets; }

bool por_decides(properties::PropertyMask wanted) {
    using properties::bit, properties::PropertyId;
    if (wanted & bit(PropertyId::eventually_destroyed)) return false;
    return !(wanted & bit(PropertyId::counter_never_negative)) || (wanted & bit(PropertyId::orphan_balance));
}

std::string CaseConfig::describe() const {
    model::SysctlConfig shown = sysctl;
    if (given_max_orphans >= 0) shown.max_orphans = given_max_orphans;
    if (given_max_tw_buckets >= 0) shown.max_tw_buckets = given_max_tw_buckets;
    return shown.describe();
}

std::string CaseConfig::describe_closes() const {
    std::vector<std::string> lingers, linger2s, unreads, windows, queues;
    auto add = [](std::vector<std::string>& v, std::string_view x) {
        if (std::find(v.begin(), v.end(), x) == v.end()) v.emplace_back(x);
    };
    for (model::EventId e : close_events) {
        const model::CloseOpts o = model::close_opts_of(e);
        add(lingers, model::linger_name(o.linger));
        add(linger2s, model::linger2_name(o.linger2));
        add(unreads, o.unread ? "yes" : "no");
        add(windows, o.window_closed ? "zero" : "open");
        if (!o.window_closed) add(queues, o.unacked ? "unacked" : "empty");  // behind a zero window: unsent
    }
    // The peer's window is named only when it may be zero (runs before --peer-window read the same).
    const std::string window =
        windows == std::vector<std::string>{"open"} ? "" : fmt::format(" x peer window {{{}}}", fmt::join(windows, ", "));
    const std::string queue =
        queues.empty() || queues == std::vector<std::string>{"empty"} ? ""
                                                                       : fmt::format(" x sent data {{{}}}", fmt::join(queues, ", "));
    const std::string shut = !shutdown_first ? "" : close_first ? " x shutdown(SHUT_WR) first {no, yes}" : " x shutdown(SHUT_WR) first";
    return fmt::format("SO_LINGER {{{}}} x TCP_LINGER2 {{{}}} x unread data {{{}}}{}{}{}", fmt::join(lingers, ", "),
                       fmt::join(linger2s, ", "), fmt::join(unreads, ", "), window, queue, shut);
}

std::string describe_roles(const std::vector<model::SlotRole>& roles, int sockets) {
    int n[model::kSlotRoles] = {};
    for (int s = 0; s < sockets; ++s) ++n[std::size_t(roles.empty() ? model::SlotRole::socket : roles[std::size_t(s)])];
    const auto count = [&](model::SlotRole r) { return n[std::size_t(r)]; };
    std::vector<std::string> parts;
    const int open = count(model::SlotRole::socket);
    if (open > 0 || roles.empty()) parts.push_back(fmt::format("{} socket{} ESTABLISHED", open, open == 1 ? "" : "s"));
    if (count(model::SlotRole::listener) > 0) parts.emplace_back("a listener in LISTEN");
    if (const int c = count(model::SlotRole::child); c > 0)
        parts.push_back(fmt::format("{} child{} ESTABLISHED in its accept queue", c, c == 1 ? "" : "ren"));
    if (const int r = count(model::SlotRole::request); r > 0)
        parts.push_back(fmt::format("{} request socket{} in NEW_SYN_RECV", r, r == 1 ? "" : "s"));
    if (const int c = count(model::SlotRole::connecting); c > 0)
        parts.push_back(fmt::format("{} connecting socket{} in SYN_SENT", c, c == 1 ? "" : "s"));
    return fmt::format("{}", fmt::join(parts, ", "));
}

bool CaseConfig::may_call(model::EventId ev, const model::LocalKey& local) const {
    using model::TcpState;
    // No file refers to a child in the accept queue, a request socket or a listener whose close() runs.
    if (local.data.queued || local.data.forced || local.state == TcpState::listen_stop ||
        local.state == TcpState::new_syn_recv)
        return false;
    const bool unshut = local.state == TcpState::established || local.state == TcpState::close_wait;
    const model::EventKind k = model::kind_of(ev);
    if (k == model::EventKind::close)
        return std::find(close_events.begin(), close_events.end(), ev) != close_events.end() && (close_first || !unshut);
    if (model::info(k).source != model::Source::shutdown_call) return false;  // not an application call
    // shutdown(SHUT_WR) acts on an open connection only (elsewhere tcp_shutdown changes nothing), and sends the FIN
    // as close() would: behind what some close() variant has queued or in flight.
    const model::CloseOpts s = model::shutdown_opts(k);
    return shutdown_first && unshut && !local.data.dead && !local.data.lingering &&
           std::any_of(close_events.begin(), close_events.end(), [&](model::EventId c) {
               const model::CloseOpts o = model::close_opts_of(c);
               return o.window_closed == s.window_closed && o.unacked == s.unacked;
           });
}

namespace {
template <int W>
ExploreResult run_with(const ExploreSpec& given, std::vector<SocketSpace>& spaces, GraphSink* sink) {
    ExploreSpec spec = given;
    if (sink || spec.collect_socket_moves || spec.engine == Engine::msm) {
        spec.threads = 1;
        spec.por = false;
    }
    if (spec.sockets == 1) spec.por = false;
    // Threads read the socket spaces concurrently, the reduction needs SocketSpace::independent, and ranks
    // exchange states whose socket configurations must be numbered alike in every process: every move is
    // computed beforehand (in the same order everywhere).
    if (spec.threads > 1 || spec.por || (spec.cluster && spec.cluster->size() > 1))
        for (SocketSpace& sp : spaces) sp.complete(spec.sockets);
    Search<W> search(spec, spaces);
    return search.run(sink);
}
}  // namespace

ExploreResult explore(const ExploreSpec& spec, GraphSink* sink) {
    const properties::PropertyMask ev = properties::bit(properties::PropertyId::eventually_destroyed);
    // Drawings and socket-move collection run the whole graph, without the partial-order reduction (run_with).
    const bool whole_graph = sink || spec.collect_socket_moves;
    if ((spec.properties & ev) && spec.liveness != LivenessMethod::global && spec.sockets > 1 && !whole_graph) {
        const std::string why = compositional_premise(spec);
        if (why.empty()) return explore_compositional(spec);
        if (spec.liveness == LivenessMethod::compositional)
            throw SpecError("eventually-destroyed cannot be decided socket by socket: " + why);
    }
    if (spec.sockets < 1 || spec.sockets > kMaxSockets)
        throw SpecError(fmt::format("sockets must be between 1 and {}", kMaxSockets));
    if (spec.threads < 1 || spec.threads > 256) throw SpecError("threads must be between 1 and 256");
    if (!spec.roles.empty() && int(spec.roles.size()) != spec.sockets)
        throw SpecError(fmt::format("{} socket roles for {} sockets", spec.roles.size(), spec.sockets));
    if (spec.cases.empty() || spec.cases.size() > 255) throw SpecError("between 1 and 255 configurations are needed");
    for (const CaseConfig& c : spec.cases)
        if (c.close_events.empty() || (!c.close_first && !c.shutdown_first))
            throw SpecError("no close() variant selected");
    if (spec.por && !whole_graph && spec.engine == Engine::table && spec.sockets > 1 && !por_decides(spec.properties))
        throw SpecError("partial-order reduction keeps safety properties only (leave out eventually-destroyed), and "
                        "decides counter-never-negative only together with orphan-balance");
    if (sink && spec.store != StoreKind::full) throw SpecError("drawing the state graph needs --store full");
    if (spec.cluster && spec.cluster->size() > 1 && (sink || spec.collect_socket_moves))
        throw SpecError("drawings and socket-move collection run in one process, not across ranks");
    if (spec.cluster && spec.cluster->size() > 1 && spec.engine == Engine::msm)
        throw SpecError("--engine msm runs in one process (it numbers socket configurations as it meets them); the "
                        "table engine, extracted from the same machine and tested equal to it, runs across ranks");
    if (spec.store == StoreKind::bitstate && spec.bitstate_bytes < (1u << 20))
        throw SpecError("--bitstate-size must be at least 1M");
    std::vector<SocketSpace> spaces;
    spaces.reserve(spec.cases.size());
    for (const CaseConfig& c : spec.cases) spaces.emplace_back(c, spec.engine, spec.patch, spec.roles);
    switch ((packed_bytes(spec.sockets) + 7) / 8) {
        case 1: return run_with<1>(spec, spaces, sink);
        case 2: return run_with<2>(spec, spaces, sink);
        case 3: return run_with<3>(spec, spaces, sink);
        default: return run_with<4>(spec, spaces, sink);
    }
}

}  // namespace orphancheck::checker
