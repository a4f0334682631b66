// The listener's scenarios: our socket is the listening one, with connections
// no accept() took, and close() runs inet_csk_listen_stop. Ours are the
// listener and its unaccepted connections (server side, port 5555), known by
// their client ports; the clients are the peers. Each is a short loopback
// experiment, checked by states and rows (Scenario::timed is false).
#include "scenario_table.hpp"

namespace orphancheck::conform::table {

void add_listener_scenarios(std::vector<Scenario>& s) {
    using A = Act;
    using R = model::SlotRole;
    const auto add = [&](Scenario x) { s.push_back(std::move(x)); };
    // inet_child_forget: tcp_disconnect (RST where tcp_need_reset), sock_orphan, counted, destroyed at once,
    // all under the child's lock: the kernel's orphan counter never visibly moves.
    add({.name = "listen-close-queued", .what = "3 children never accepted, then close() of the listener: each reset and freed",
         .connections = 3, .unaccepted = R::child, .actions = {{A::wait, 100}, {A::close}}, .deadline_s = 2,
         .peer = kAcks, .expect_orphans = 0});
    // The clients are destroyed (ss -K: RST): the queued children go to CLOSE in the queue (unhashed, not
    // listed); the listener's close() forgets them without a RST (tcp_need_reset is false in CLOSE).
    add({.name = "listen-close-queued-reset", .what = "as listen-close-queued, the clients reset first: CLOSE children forgotten",
         .connections = 3, .unaccepted = R::child, .actions = {{A::peer_abort}, {A::wait, 100}, {A::close}},
         .deadline_s = 2, .peer = kResets, .expect_orphans = 0});
    add({.name = "listen-close-queued-fin", .what = "as listen-close-queued, the clients' FIN first: CLOSE_WAIT children reset",
         .connections = 3, .unaccepted = R::child, .actions = {{A::peer_close}, {A::wait, 100}, {A::close}},
         .deadline_s = 2, .peer = kCloses, .expect_orphans = 0});
    // The clients' last ACK is dropped: the server side stays NEW_SYN_RECV. The listener's close() leaves the
    // requests alone; their SYN-ACK timer (1 s after the SYN-ACK) finds the listener gone and frees them
    // without a word (reqsk_timer_handler: no RST).
    add({.name = "listen-close-requests", .what = "2 request sockets (last ACK dropped), close() of the listener: freed silently by their timer",
         .connections = 2, .unaccepted = R::request, .handshake_ack_dropped = true,
         .actions = {{A::wait, 100}, {A::close}}, .deadline_s = 3, .peer = kSilent, .expect_orphans = 0});
    // As above, the listener closed after the first SYN-ACK retransmission (1 s): the next timer (3 s) drops them.
    add({.name = "listen-close-requests-resent", .what = "as listen-close-requests, close() after one SYN-ACK retransmission",
         .connections = 2, .unaccepted = R::request, .handshake_ack_dropped = true,
         .actions = {{A::wait, 1300}, {A::close}}, .deadline_s = 3, .peer = kSilent, .expect_orphans = 0});
    // The drop lifted before the first SYN-ACK retransmission (1 s): the client answers it (a challenge ACK
    // from ESTABLISHED), and that ACK makes the request a child in the accept queue; then close().
    add({.name = "listen-requests-ack-late", .what = "last ACK dropped, let through at 500 ms: the ACK to the resent SYN-ACK makes a child",
         .connections = 2, .unaccepted = R::request, .handshake_ack_dropped = true,
         .actions = {{A::wait, 500}, {A::allow_all}, {A::wait, 1000}, {A::close}}, .deadline_s = 2, .peer = kSilent,
         .expect_orphans = 0});
    // tcp_synack_retries=1: one SYN-ACK sent again at 1 s, the timer at 3 s finds the budget spent and frees the
    // request (the listener still listens); then close().
    add({.name = "listen-requests-expire", .what = "tcp_synack_retries=1, last ACK dropped: requests expire at 3 s, then close()",
         .connections = 2, .unaccepted = R::request, .handshake_ack_dropped = true, .synack_retries = 1,
         .actions = {{A::wait, 3500}, {A::close}}, .deadline_s = 1, .peer = kSilent, .expect_orphans = 0});
    // The clients are destroyed (ss -K: an RST, which the drop of bare ACKs lets through) while the server
    // side is still a request: the RST frees it.
    add({.name = "listen-requests-reset", .what = "last ACK dropped, the clients reset: the requests freed by the RST, then close()",
         .connections = 2, .unaccepted = R::request, .handshake_ack_dropped = true,
         .actions = {{A::wait, 100}, {A::peer_abort}, {A::wait, 200}, {A::close}}, .deadline_s = 1,
         .peer = kResetsLossy, .expect_orphans = 0});
}

}  // namespace orphancheck::conform::table
