#include "orphancheck/host/story.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "orphancheck/model/socket_table.hpp"
#include "remaining.hpp"

namespace orphancheck::host {
namespace {
using model::TcpState;

std::optional<TcpState> model_state(std::uint8_t kernel_state) {
    switch (kernel_state) {
        case conform::kEstablished: return TcpState::established;
        case conform::kCloseWait: return TcpState::close_wait;
        case conform::kFinWait1: return TcpState::fin_wait1;
        case conform::kFinWait2: return TcpState::fin_wait2;
        case conform::kClosing: return TcpState::closing;
        case conform::kLastAck: return TcpState::last_ack;
        case conform::kClose: return TcpState::closed;
        default: return std::nullopt;
    }
}

// The extracted table of a configuration, once per configuration (a host has few).
const model::SocketTable& table_of(const model::SysctlConfig& cfg) {
    static std::mutex m;
    static std::map<std::tuple<int, int, int, int>, model::SocketTable> tables;
    const std::lock_guard lock(m);
    const auto key = std::tuple{cfg.fin_timeout_seconds > 60 ? 61 : 60, cfg.orphan_retries, cfg.retries2,
                                cfg.user_timeout_ms};
    auto it = tables.find(key);
    if (it == tables.end()) it = tables.emplace(key, model::SocketTable::extract(cfg)).first;
    return it->second;
}

// The rows the model can fire from `local` (under the host's OOM state; buckets not exhausted).
std::vector<model::RowId> next_rows(const model::SocketTable& t, const model::LocalKey& local, bool oom) {
    std::vector<model::RowId> rows;
    const std::uint16_t i = t.index_of(local);
    if (i == model::SocketTable::kDisabled) return rows;
    for (int ev = 0; ev < model::kEvents; ++ev) {
        const auto& e = t.at(i, model::EventId(ev), model::GuardInputs{oom, false});
        if (e.next != model::SocketTable::kDisabled && std::find(rows.begin(), rows.end(), e.row) == rows.end())
            rows.push_back(e.row);
    }
    return rows;
}
}  // namespace

std::vector<std::string> model_path(const model::SysctlConfig& cfg, const model::LocalKey& local) {
    const model::SocketTable& t = table_of(cfg);
    const std::uint16_t goal = t.index_of(local);
    if (goal == model::SocketTable::kDisabled) return {};
    // Breadth-first from the initial local (ESTABLISHED) and from CLOSE_WAIT (the peer closed first).
    struct Via {
        std::uint16_t from = model::SocketTable::kDisabled;
        model::EventId ev = 0;
        model::RowId row = model::RowId::none;
    };
    std::vector<std::optional<Via>> via(t.size());
    std::vector<std::uint16_t> todo;
    for (std::uint16_t i = 0; i < t.size(); ++i)
        if (t.local(i).state == TcpState::established && t.local(i).data == model::SockData{}) {
            via[i] = Via{};
            todo.push_back(i);
        }
    for (std::size_t head = 0; head < todo.size() && !via[goal]; ++head) {
        const std::uint16_t i = todo[head];
        for (int ev = 0; ev < model::kEvents; ++ev) {
            const auto& e = t.at(i, model::EventId(ev), model::GuardInputs{});
            if (e.next == model::SocketTable::kDisabled || via[e.next]) continue;
            via[e.next] = Via{i, model::EventId(ev), e.row};
            todo.push_back(e.next);
        }
    }
    std::vector<std::string> path;
    for (std::uint16_t i = goal; via[i] && via[i]->from != model::SocketTable::kDisabled; i = via[i]->from)
        path.insert(path.begin(), fmt::format("{}  -> {} ({})  -> {}", model::event_name(via[i]->ev),
                                              model::row_kernel_function(via[i]->row), model::row_name(via[i]->row),
                                              model::describe(t.local(i))));
    return path;
}

std::string_view kind_name(SocketKind k) {
    switch (k) {
        case SocketKind::orphan: return "orphan";
        case SocketKind::timewait_bucket: return "timewait bucket";
        case SocketKind::open: return "open";
        case SocketKind::listener: return "listener";
        case SocketKind::outside: return "outside the model";
    }
    return "";
}

std::string address(const conform::DiagSocket& s) {
    char a[INET_ADDRSTRLEN] = {}, b[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &s.saddr, a, sizeof a);
    ::inet_ntop(AF_INET, &s.daddr, b, sizeof b);
    return fmt::format("{}:{} -> {}:{}", a, s.sport, b, s.dport);
}

model::SysctlConfig sysctl_config(const NamespaceSysctls& s, int max_orphans) {
    model::SysctlConfig c;
    c.fin_timeout_seconds = s.fin_timeout;
    c.orphan_retries = std::clamp(s.orphan_retries, 0, 255);
    c.max_orphans = max_orphans;
    c.max_tw_buckets = s.max_tw_buckets;
    c.retries2 = std::clamp(s.retries2, 0, 15);  // the backoff stops at tcp_retries2, and at RTO_MAX after 10
    return c;
}

SocketStory tell(const conform::DiagSocket& s, const NamespaceSysctls& sysctls, const HostFacts& facts) {
    SocketStory st;
    st.state = conform::kernel_state_name(s.state);
    const model::SysctlConfig cfg = sysctl_config(sysctls, facts.max_orphans);
    if (s.timewait_bucket()) {
        st.kind = SocketKind::timewait_bucket;
        st.cause = s.state == conform::kFinWait2 ? "FIN_WAIT2 bucket: our FIN acked, waiting for the peer's FIN"
                                                 : "TIME_WAIT: both FINs exchanged";
        st.local = model::LocalKey{s.state == conform::kFinWait2 ? TcpState::tw_fin_wait2 : TcpState::tw_time_wait, {}};
        st.gone_left = timer_left(s, facts.clock);
        st.next = "the timewait timer frees it; it is not an orphan and not counted";
    } else if (s.state == conform::kListen) {
        st.kind = SocketKind::listener;
        st.model = "listeners are not in the model yet";
        return st;
    } else if (s.inode != 0) {
        st.kind = SocketKind::open;
        const bool closing = s.state == conform::kFinWait1 || s.state == conform::kFinWait2 ||
                             s.state == conform::kClosing || s.state == conform::kLastAck;
        st.cause = closing ? "its file is open: shut down (shutdown(SHUT_WR)) or in a lingering close(); not counted"
                           : "its file is open; not counted";
        if (const auto m = model_state(s.state)) st.local = model::LocalKey{*m, {}};
    } else if (const auto m = model_state(s.state); m && *m != TcpState::established && *m != TcpState::close_wait &&
                                                    *m != TcpState::closed) {
        st.kind = SocketKind::orphan;
        st.counted = true;
        model::SockData d;
        d.dead = true;
        const int retransmits = s.info ? s.info->retransmits : s.retransmits;
        switch (s.timer) {
            case conform::kRetransmitTimer:
                st.cause = "FIN not acknowledged";
                d.retries = std::uint8_t(std::min(retransmits, cfg.must_kill_after()));
                st.orphan_left = retransmit_left(s, cfg, facts.oom_now, facts.clock);
                st.next = facts.oom_now ? "tcp_check_oom fires: reset and destroyed at its next retransmit timer"
                                        : "the retransmit timer sends the FIN again, or tcp_write_timeout gives up";
                break;
            case conform::kProbeTimer:
                st.cause = "zero window: the peer stopped reading, our FIN waits behind unsent data";
                d.window_wait = true;
                d.retries = std::uint8_t(s.info ? s.info->probes : retransmits);
                d.backoff = std::uint8_t(std::min<int>(s.info ? s.info->backoff : 0, cfg.probe_backoff_cap()));
                st.orphan_left = probe_left(s, cfg, facts.oom_now, facts.clock);
                st.next = facts.oom_now ? "tcp_check_oom fires: reset and destroyed at its next probe timer"
                                        : "the probe timer sends a window probe, or gives up when its budget is spent";
                break;
            case conform::kKeepaliveTimer:
                st.cause = *m == TcpState::fin_wait2 ? "FIN_WAIT2 above 60 s: our FIN acked, the keepalive timer runs"
                                                     : "the keepalive timer runs";
                d.fin_long = sysctls.fin_timeout > 60;
                st.orphan_left = timer_left(s, facts.clock);
                st.next = d.fin_long ? "the FIN_WAIT2 timer hands it to a timewait bucket for tcp_fin_timeout - 60 s"
                                     : "the FIN_WAIT2 timer resets and destroys it";
                break;
            default:
                st.cause = "no timer armed";
                st.next = "nothing the model knows of ends it here";
                break;
        }
        st.local = model::LocalKey{*m, d};
        if (st.orphan_left) {
            st.gone_left = st.orphan_left;
            if (s.timer == conform::kKeepaliveTimer && d.fin_long) {
                const double bucket = std::max<double>(sysctls.fin_timeout - 60, 3.5 * facts.clock.rto_first_lo());
                st.gone_left = analysis::Interval{st.orphan_left->lo, *st.orphan_left->hi + bucket + facts.clock.late(bucket)};
            }
        }
    } else {
        st.kind = SocketKind::outside;
        st.model = s.inode == 0 && (s.state == conform::kEstablished || s.state == conform::kCloseWait)
                       ? "no file yet: a child in a listener's accept queue (listeners are not in the model yet)"
                       : fmt::format("{} is not in the model yet", st.state);
        return st;
    }
    if (st.local) {
        const auto& t = table_of(cfg);
        if (t.index_of(*st.local) != model::SocketTable::kDisabled) {
            st.model = model::describe(*st.local);
            st.next_rows = next_rows(t, *st.local, facts.oom_now);
        } else {
            st.model = model::describe(*st.local) + " (a configuration the model does not reach as read)";
        }
    }
    return st;
}

}  // namespace orphancheck::host
