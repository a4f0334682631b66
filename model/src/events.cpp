#include "orphancheck/model/events.hpp"

#include <fmt/format.h>

namespace orphancheck::model {
namespace {
constexpr std::array<EventInfo, kEventKinds> kInfos = {{
#define ORPHANCHECK_EVENT_INFO(id, fn, fair, timing, source, stimulus, text) \
    {EventKind::id, #id, fn, Fairness::fair, Timing::timing, Source::source, Stimulus::stimulus, text},
    ORPHANCHECK_EVENTS(ORPHANCHECK_EVENT_INFO)
#undef ORPHANCHECK_EVENT_INFO
}};
constexpr bool infos_in_order() {
    for (std::size_t i = 0; i < kInfos.size(); ++i)
        if (std::size_t(kInfos[i].kind) != i) return false;
    return kInfos[0].kind == EventKind::close;
}
static_assert(infos_in_order(), "close first, then one entry per EventKind in enum order");
}  // namespace

const EventInfo& info(EventKind k) { return kInfos[std::size_t(k)]; }
const std::array<EventInfo, kEventKinds>& event_infos() { return kInfos; }

EventId close_event(CloseOpts o) {
    return EventId((((int(o.linger) * kLinger2s + int(o.linger2)) * 2 + (o.unread ? 1 : 0)) * 2 +
                    (o.window_closed ? 1 : 0)) * 2 + (o.unacked ? 1 : 0));
}

EventId event_of(EventKind k) { return EventId(kCloseVariants + int(k) - 1); }

EventKind kind_of(EventId e) {
    return e < kCloseVariants ? EventKind::close : EventKind(int(e) - kCloseVariants + 1);
}

CloseOpts close_opts_of(EventId e) {
    return {Linger(e / (kLinger2s * 8)), Linger2((e / 8) % kLinger2s), ((e / 4) % 2) != 0, ((e / 2) % 2) != 0,
            (e % 2) != 0};
}

CloseOpts shutdown_opts(EventKind k) {
    CloseOpts o;
    o.window_closed = k == EventKind::shutdown_zero_window;
    o.unacked = k == EventKind::shutdown_unacked;
    return o;
}

std::string_view linger_name(Linger l) {
    switch (l) {
        case Linger::off: return "off";
        case Linger::zero: return "0";
        case Linger::timeout: return "timeout";
    }
    return "?";
}

std::string_view linger2_name(Linger2 l) {
    switch (l) {
        case Linger2::sysctl: return "0 (sysctl)";
        case Linger2::negative: return "-1";
        case Linger2::short_: return "<=60s";
        case Linger2::long_: return ">60s";
    }
    return "?";
}

std::string_view fairness_name(Fairness f) {
    switch (f) {
        case Fairness::none: return "none";
        case Fairness::app: return "application";
        case Fairness::write_timer: return "write timer";
        case Fairness::keepalive: return "keepalive timer";
        case Fairness::tw: return "timewait timer";
    }
    return "?";
}

std::string_view timing_name(Timing t) {
    switch (t) {
        case Timing::instant: return "instant";
        case Timing::anytime: return "any time";
        case Timing::rto: return "RTO (backed off)";
        case Timing::loss_probe: return "loss probe (2 srtt + RTO_MIN, at most the RTO)";
        case Timing::probe: return "probe interval (backed off)";
        case Timing::keepalive: return "fin_time (-60 s)";
        case Timing::timewait: return "timewait length";
        case Timing::linger: return "SO_LINGER timeout";
        case Timing::handshake: return "SYN-ACK timeout (1 s, backed off)";
    }
    return "?";
}

std::string_view source_name(Source s) {
    switch (s) {
        case Source::close_call: return "application";
        case Source::direct: return "kernel";
        case Source::admin: return "administrator";
        case Source::segment: return "segment";
        case Source::shutdown_call: return "application (shutdown)";
        case Source::listen_stop: return "kernel (listener close)";
        case Source::if_queue_busy: return "kernel (listener close, queue busy)";
        case Source::if_queue_empty: return "kernel (listener close, queue empty)";
        case Source::if_listening: return "kernel (listener in LISTEN)";
        case Source::if_not_listening: return "kernel (listener closed)";
    }
    return "?";
}

std::string event_name(EventId e) {
    const EventKind k = kind_of(e);
    if (k != EventKind::close) return std::string(info(k).text);
    const CloseOpts o = close_opts_of(e);
    return fmt::format("close(SO_LINGER={}, TCP_LINGER2={}{}{}{})", linger_name(o.linger), linger2_name(o.linger2),
                       o.unread ? ", unread data" : "", o.window_closed ? ", peer window zero" : "",
                       o.unacked ? ", data unacked" : "");
}

bool is_listener_event(EventKind k) {
    switch (stimulus_of(k)) {
        case Stimulus::listen_stop:
        case Stimulus::forced_destroy:
        case Stimulus::listen_stop_end:
        case Stimulus::hs_ack:
        case Stimulus::synack_timer: return true;
        case Stimulus::syn_ack:
        case Stimulus::syn_timer: return false;
        case Stimulus::close:
        case Stimulus::linger_wake:
        case Stimulus::close_tail:
        case Stimulus::release_sock:
        case Stimulus::ack:
        case Stimulus::fin:
        case Stimulus::fin_ack:
        case Stimulus::data:
        case Stimulus::rst:
        case Stimulus::rto:
        case Stimulus::rto_timeout:
        case Stimulus::keepalive:
        case Stimulus::tw_expire:
        case Stimulus::abort:
        case Stimulus::probe:
        case Stimulus::window_ack:
        case Stimulus::window_open:
        case Stimulus::data_ack:
        case Stimulus::loss_probe:
        case Stimulus::shutdown: return false;
    }
    return false;
}

std::string kind_label(EventKind k) {
    return k == EventKind::close ? std::string("close()") : event_name(event_of(k));
}

}  // namespace orphancheck::model
