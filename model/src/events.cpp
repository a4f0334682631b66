#include "orphancheck/model/events.hpp"

#include <fmt/format.h>

namespace orphancheck::model {

EventId close_event(CloseOpts o) {
    return EventId((int(o.linger) * 4 + int(o.linger2)) * 2 + (o.unread ? 1 : 0));
}

EventId event_of(EventKind k) { return EventId(kCloseVariants + int(k) - 1); }

EventKind kind_of(EventId e) {
    return e < kCloseVariants ? EventKind::close : EventKind(int(e) - kCloseVariants + 1);
}

CloseOpts close_opts_of(EventId e) {
    return {Linger(e / 8), Linger2((e / 2) % 4), (e % 2) != 0};
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

std::string event_name(EventId e) {
    const EventKind k = kind_of(e);
    switch (k) {
        case EventKind::close: break;
        case EventKind::linger_wake: return "close(): the SO_LINGER wait ends";
        case EventKind::close_tail: return "close(): rest of __tcp_close after the backlog";
        case EventKind::release_sock: return "close(): release_sock";
        case EventKind::rx_ack: return "ACK of our FIN";
        case EventKind::rx_fin_ack: return "ACK of our FIN on the peer's FIN";
        case EventKind::rx_fin: return "peer FIN";
        case EventKind::rx_data: return "peer data";
        case EventKind::rx_rst: return "peer RST";
        case EventKind::rto_expire: return "retransmit timer fires";
        case EventKind::rto_timed_out: return "retransmit timer fires, retry budget spent";
        case EventKind::keepalive_expire: return "FIN_WAIT2 (keepalive) timer fires";
        case EventKind::tw_expire: return "timewait timer fires";
        case EventKind::abort: return "tcp_abort (ss -K)";
        case EventKind::rx_fin_old_ack: return "peer FIN with an old ACK";
    }
    const CloseOpts o = close_opts_of(e);
    return fmt::format("close(SO_LINGER={}, TCP_LINGER2={}{})", linger_name(o.linger), linger2_name(o.linger2),
                       o.unread ? ", unread data" : "");
}

std::string kind_label(EventKind k) {
    return k == EventKind::close ? std::string("close()") : event_name(event_of(k));
}

Fairness fairness_of(EventKind k) {
    switch (k) {
        case EventKind::close:
        case EventKind::linger_wake:
        case EventKind::close_tail:
        case EventKind::release_sock: return Fairness::app;
        case EventKind::rto_expire:
        case EventKind::rto_timed_out: return Fairness::rto;
        case EventKind::keepalive_expire: return Fairness::keepalive;
        case EventKind::tw_expire: return Fairness::tw;
        default: return Fairness::none;
    }
}

}  // namespace orphancheck::model
