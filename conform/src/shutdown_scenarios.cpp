// The shutdown(SHUT_WR) scenarios: shutdown() first, close() later, from
// whichever state the socket reached. Each is a short loopback experiment.
#include "scenario_table.hpp"

namespace orphancheck::conform::table {

// shutdown(SHUT_WR) before close(): our FIN goes out with the file still open, so the socket is no orphan
// (the counter stays) until close(), which then starts from FIN_WAIT1, FIN_WAIT2, CLOSING, LAST_ACK or CLOSE.
// Not timed (Scenario::timed): states, rows and the trace check's least delays are compared.
void add_shutdown_scenarios(std::vector<Scenario>& s) {
    using A = Act;
    const auto add = [&](Scenario x) { s.push_back(std::move(x)); };
    add({.name = "shutdown-fin-wait1", .what = "shutdown(), FIN lost: FIN_WAIT1, no orphan; close() 300 ms later orphans it",
         .connections = 3, .orphan_retries = 1,
         .actions = {{A::drop_fin_to_peer}, {A::shutdown_wr}, {A::wait, 300}, {A::close}}, .deadline_s = 6,
         .peer = kSilent, .expect_orphans = 3});
    add({.name = "shutdown-fin-wait2", .what = "shutdown(), FIN acked: FIN_WAIT2 without a timer; close(): bucket (fin_timeout=1)",
         .connections = 3, .fin_timeout = 1, .actions = {{A::shutdown_wr}, {A::wait, 300}, {A::close}},
         .deadline_s = 4, .peer = kAcks, .expect_orphans = 0});
    add({.name = "shutdown-fin-wait2-overflow", .what = "as shutdown-fin-wait2, tcp_max_tw_buckets=0: close() destroys it",
         .connections = 3, .max_tw_buckets = 0, .actions = {{A::shutdown_wr}, {A::wait, 200}, {A::close}}, .deadline_s = 2,
         .peer = kAcks, .expect_orphans = 0});
    add({.name = "shutdown-fin-wait2-long", .what = "as shutdown-fin-wait2, tcp_fin_timeout=62: a keepalive orphan, then ss -K",
         .connections = 3, .fin_timeout = 62,
         .actions = {{A::shutdown_wr}, {A::wait, 200}, {A::close}, {A::wait, 600}, {A::abort}}, .deadline_s = 2,
         .peer = kAbortAcks, .expect_orphans = 3});
    add({.name = "shutdown-fin-wait2-fin", .what = "shut-down FIN_WAIT2 gets the peer's FIN: CLOSE + TIME_WAIT bucket, then close(), ss -K",
         .connections = 3,
         .actions = {{A::shutdown_wr}, {A::wait, 200}, {A::peer_close}, {A::wait, 200}, {A::close}, {A::wait, 200}, {A::abort}},
         .deadline_s = 2, .peer = kAbortCloses, .expect_orphans = 0});
    add({.name = "shutdown-fin-wait2-fin-overflow", .what = "as shutdown-fin-wait2-fin, tcp_max_tw_buckets=0: CLOSE, no bucket",
         .connections = 3, .max_tw_buckets = 0,
         .actions = {{A::shutdown_wr}, {A::wait, 200}, {A::peer_close}, {A::wait, 200}, {A::close}}, .deadline_s = 2,
         .peer = kCloses, .expect_orphans = 0});
    add({.name = "shutdown-time-wait-expiry", .what = "as shutdown-fin-wait2-fin, the bucket left to its 60 s timer before close()",
         .long_run = true, .connections = 2,
         .actions = {{A::shutdown_wr}, {A::wait, 200}, {A::peer_close}, {A::wait, 62000}, {A::close}}, .deadline_s = 2,
         .peer = kCloses, .expect_orphans = 0});
    add({.name = "shutdown-fin-wait2-reset", .what = "shut-down FIN_WAIT2 reset by the peer: CLOSE before close()",
         .connections = 3, .actions = {{A::shutdown_wr}, {A::wait, 200}, {A::peer_abort}, {A::wait, 200}, {A::close}},
         .deadline_s = 2, .peer = kResets, .expect_orphans = 0});
    add({.name = "shutdown-data", .what = "shut-down FIN_WAIT2 gets a byte: received, no RST; close() with it unread: RST",
         .connections = 3, .unread = true,
         .actions = {{A::shutdown_wr}, {A::wait, 200}, {A::peer_send}, {A::wait, 200}, {A::close}}, .deadline_s = 2,
         .peer = kData, .expect_orphans = 0});
    add({.name = "shutdown-data-fin-wait1", .what = "as shutdown-data, FIN lost: the byte reaches FIN_WAIT1", .connections = 3,
         .unread = true,
         .actions = {{A::drop_fin_to_peer}, {A::shutdown_wr}, {A::wait, 100}, {A::peer_send}, {A::wait, 200}, {A::close}},
         .deadline_s = 2, .peer = kDataLossy, .expect_orphans = 0});
    add({.name = "shutdown-closing-unread", .what = "FIN lost, the peer sends a byte and its FIN: CLOSING; close() unread: RST",
         .connections = 3, .unread = true,
         .actions = {{A::drop_fin_to_peer}, {A::shutdown_wr}, {A::wait, 100}, {A::peer_send}, {A::peer_close},
                     {A::wait, 200}, {A::close}},
         .deadline_s = 2, .peer = kClosesDataLossy, .expect_orphans = 0});
    add({.name = "shutdown-last-ack-unread", .what = "the peer sends a byte and closes; shutdown(), FIN lost: LAST_ACK; close() unread: RST",
         .connections = 3, .unread = true,
         .actions = {{A::peer_send}, {A::peer_close}, {A::wait, 100}, {A::drop_fin_to_peer}, {A::shutdown_wr},
                     {A::wait, 200}, {A::close}},
         .deadline_s = 2, .peer = kClosesDataLossy, .expect_orphans = 0});
    add({.name = "shutdown-closing", .what = "shutdown(), FIN lost, the peer's FIN crosses it: CLOSING, no orphan; close() orphans it",
         .connections = 3, .orphan_retries = 1,
         .actions = {{A::drop_fin_to_peer}, {A::shutdown_wr}, {A::wait, 100}, {A::peer_close}, {A::wait, 200}, {A::close}},
         .deadline_s = 6, .peer = kClosesLossy, .expect_orphans = 3});
    // One orphan from a plain close() is counted (the count is refreshed every 100 ms); 100 ms later the other
    // sockets shut down, the peer's FIN makes them CLOSING, and their close() finds the limit passed. Within
    // 200 ms of shutdown() no FIN retransmission is due: only close() itself can have reset them.
    add({.name = "shutdown-closing-max-orphans", .what = "tcp_max_orphans=0: one orphan, then close() after shutdown() in CLOSING: RST",
         .connections = 3, .orphan_retries = 1, .max_orphans = 0,
         .actions = {{A::drop_fin_to_peer}, {A::close, 0, 1}, {A::wait, 100}, {A::shutdown_wr}, {A::wait, 20},
                     {A::peer_close}, {A::wait, 30}, {A::close}},
         .deadline_s = 4, .peer = kClosesLossy});
    add({.name = "shutdown-last-ack", .what = "the peer closes first; shutdown(), FIN lost: LAST_ACK, no orphan; close() orphans it",
         .connections = 3, .orphan_retries = 1,
         .actions = {{A::peer_close}, {A::wait, 100}, {A::drop_fin_to_peer}, {A::shutdown_wr}, {A::wait, 300}, {A::close}},
         .deadline_s = 6, .peer = kClosesLossy, .expect_orphans = 3});
    add({.name = "shutdown-last-ack-acked", .what = "the peer closes first; shutdown(), FIN acked: CLOSE before close()",
         .connections = 3, .actions = {{A::peer_close}, {A::wait, 100}, {A::shutdown_wr}, {A::wait, 200}, {A::close}},
         .deadline_s = 2, .peer = kCloses, .expect_orphans = 0});
    // close() after shutdown with SO_LINGER {1, 0} is tcp_disconnect: RST where tcp_need_reset says so, or
    // while our FIN still waits in the write queue (CLOSING, LAST_ACK).
    add({.name = "shutdown-linger0", .what = "SO_LINGER {1, 0}: close() after shutdown() in FIN_WAIT2: RST", .connections = 3,
         .linger = 0, .actions = {{A::shutdown_wr}, {A::wait, 200}, {A::close}}, .deadline_s = 2, .peer = kAcks,
         .expect_orphans = 0});
    add({.name = "shutdown-linger0-fin-wait1", .what = "as shutdown-linger0, FIN lost: in FIN_WAIT1, RST", .connections = 3,
         .linger = 0, .actions = {{A::drop_fin_to_peer}, {A::shutdown_wr}, {A::wait, 100}, {A::close}}, .deadline_s = 2,
         .peer = kSilent, .expect_orphans = 0});
    add({.name = "shutdown-linger0-closing", .what = "as shutdown-linger0 in CLOSING, our FIN sent: CLOSE without RST",
         .connections = 3, .linger = 0,
         .actions = {{A::drop_fin_to_peer}, {A::shutdown_wr}, {A::wait, 100}, {A::peer_close}, {A::wait, 200}, {A::close}},
         .deadline_s = 2, .peer = kClosesLossy, .expect_orphans = 0});
    add({.name = "shutdown-linger0-last-ack", .what = "as shutdown-linger0 in LAST_ACK, our FIN sent: CLOSE without RST",
         .connections = 3, .linger = 0,
         .actions = {{A::peer_close}, {A::wait, 100}, {A::drop_fin_to_peer}, {A::shutdown_wr}, {A::wait, 100}, {A::close}},
         .deadline_s = 2, .peer = kClosesLossy, .expect_orphans = 0});
    add({.name = "shutdown-linger-wait", .what = "SO_LINGER {1, 1}, FIN lost: close() after shutdown() waits 1 s, then an orphan",
         .connections = 2, .orphan_retries = 1, .linger = 1,
         .actions = {{A::drop_fin_to_peer}, {A::shutdown_wr}, {A::wait, 100}, {A::close}}, .deadline_s = 6,
         .peer = kSilent, .expect_orphans = 0});
    add({.name = "shutdown-linger-closing", .what = "SO_LINGER {1, 5}: close() after shutdown() waits in CLOSING, reset by the peer",
         .connections = 2, .orphan_retries = 3, .linger = 5,
         .actions = {{A::drop_fin_to_peer}, {A::shutdown_wr}, {A::wait, 100}, {A::peer_close}, {A::wait, 100}, {A::close},
                     {A::wait, 200}, {A::peer_abort}},
         .deadline_s = 2, .peer = kClosesResets, .expect_orphans = 0});
    add({.name = "shutdown-linger-last-ack", .what = "SO_LINGER {1, 5}: close() after shutdown() waits in LAST_ACK until the FIN is acked",
         .connections = 2, .orphan_retries = 3, .linger = 5,
         .actions = {{A::peer_close}, {A::wait, 100}, {A::drop_fin_to_peer}, {A::shutdown_wr}, {A::wait, 100}, {A::close},
                     {A::wait, 200}, {A::allow_all}},
         .deadline_s = 3, .peer = kClosesLossy, .expect_orphans = 0});
    // ss -K on a socket shut down but not closed: no orphan, every kernel resets it to CLOSE (it stays ours).
    add({.name = "shutdown-abort-fin-wait1", .what = "ss -K on a shut-down FIN_WAIT1 socket, then close()", .connections = 3,
         .orphan_retries = 3, .actions = {{A::drop_fin_to_peer}, {A::shutdown_wr}, {A::wait, 100}, {A::abort}, {A::wait, 100}, {A::close}},
         .deadline_s = 2, .peer = kAbortLossy, .expect_orphans = 0});
    add({.name = "shutdown-abort", .what = "ss -K on a shut-down FIN_WAIT2 socket, then close()", .connections = 3,
         .actions = {{A::shutdown_wr}, {A::wait, 200}, {A::abort}, {A::wait, 100}, {A::close}}, .deadline_s = 2,
         .peer = kAbortAcks, .expect_orphans = 0});
    add({.name = "shutdown-abort-closing", .what = "ss -K on a shut-down CLOSING socket, then close()", .connections = 3,
         .orphan_retries = 3,
         .actions = {{A::drop_fin_to_peer}, {A::shutdown_wr}, {A::wait, 100}, {A::peer_close}, {A::wait, 200}, {A::abort},
                     {A::wait, 100}, {A::close}},
         .deadline_s = 2, .peer = kAbortClosesLossy, .expect_orphans = 0});
    add({.name = "shutdown-abort-last-ack", .what = "ss -K on a shut-down LAST_ACK socket, then close()", .connections = 3,
         .orphan_retries = 3,
         .actions = {{A::peer_close}, {A::wait, 100}, {A::drop_fin_to_peer}, {A::shutdown_wr}, {A::wait, 200}, {A::abort},
                     {A::wait, 100}, {A::close}},
         .deadline_s = 2, .peer = kAbortClosesLossy, .expect_orphans = 0});
    // Zero window: shutdown() queues the FIN behind the unsent data, the probe timer runs.
    add({.name = "shutdown-zero-window", .what = "zero window: shutdown() queues the FIN; close() 200 ms later, probes unanswered",
         .connections = 3, .orphan_retries = 1,
         .actions = {{A::fill_window}, {A::shutdown_wr}, {A::drop_from_peer}, {A::wait, 200}, {A::close}}, .deadline_s = 4,
         .peer = kSilent, .expect_orphans = 3});
    add({.name = "shutdown-zero-window-last-ack", .what = "LAST_ACK, FIN queued behind a zero window; SO_LINGER {1, 0} close(): RST",
         .connections = 3, .linger = 0,
         .actions = {{A::peer_close}, {A::wait, 100}, {A::fill_window}, {A::shutdown_wr}, {A::wait, 100}, {A::close}},
         .deadline_s = 2, .peer = kClosesLossy, .expect_orphans = 0});
    add({.name = "shutdown-zero-window-closing", .what = "CLOSING, FIN queued behind a zero window; SO_LINGER {1, 0} close(): RST",
         .connections = 3, .linger = 0,
         .actions = {{A::fill_window}, {A::shutdown_wr}, {A::drop_from_peer_but_fin}, {A::wait, 100}, {A::peer_close},
                     {A::wait, 100}, {A::close}},
         .deadline_s = 2, .peer = kClosesLossy, .expect_orphans = 0});
}

}  // namespace orphancheck::conform::table
