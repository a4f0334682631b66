// The conformance scenarios. Each is an experiment on loopback in a private
// namespace (the blog's, and ones chosen so that kernel runs reach as many
// per-socket rows of the model as loopback allows), with the peer behaviour
// the model is given for it: only what the experiment lets the peer do.
#include "orphancheck/conform/scenario.hpp"

#include <algorithm>
#include <stdexcept>

#include "orphancheck/model/kernel_profile.hpp"
#include "scenario_table.hpp"

namespace orphancheck::conform {
namespace {
using A = Act;
using namespace table;  // the peer behaviours the model is given

std::vector<Scenario> build() {
    std::vector<Scenario> s;
    const auto add = [&](Scenario x) { s.push_back(std::move(x)); };
    // --- the blog's experiments
    add({.name = "fin-wait1", .what = "the peer never sees our FIN; 10 connections close",
         .blog = "10 FIN-WAIT-1, orphaned 10", .connections = 10, .orphan_retries = 2,
         .actions = {{A::drop_fin_to_peer}, {A::close}}, .deadline_s = 8, .peer = kSilent,
         .expect_orphans = 10});
    add({.name = "fin-wait1-default-retries", .what = "as fin-wait1, tcp_orphan_retries=0 (8 while alive)",
         .blog = "10 FIN-WAIT-1, orphaned 10", .long_run = true, .connections = 10, .orphan_retries = 0,
         .actions = {{A::drop_fin_to_peer}, {A::close}}, .deadline_s = 150, .peer = kSilent,
         .expect_orphans = 10});
    add({.name = "last-ack", .what = "the peer closes first, then never sees our FIN; 2 connections",
         .blog = "2 LAST-ACK, orphaned 2", .connections = 2, .orphan_retries = 2,
         .actions = {{A::peer_close}, {A::wait, 100}, {A::drop_fin_to_peer}, {A::close}}, .deadline_s = 8,
         .peer = kClosesLossy, .expect_orphans = 2});
    add({.name = "fin-wait2-short", .what = "the peer acks our FIN, never closes; tcp_fin_timeout=3",
         .blog = "FIN-WAIT-2 listed, orphaned 0 (timewait bucket)", .connections = 10, .fin_timeout = 3,
         .actions = {{A::close}}, .deadline_s = 8, .peer = kAcks, .expect_orphans = 0});
    add({.name = "fin-wait2-60", .what = "as fin-wait2-short with tcp_fin_timeout=60 (the default)",
         .blog = "FIN-WAIT-2 listed, orphaned 0 (timewait bucket)", .long_run = true, .connections = 10,
         .fin_timeout = 60, .actions = {{A::close}}, .deadline_s = 75, .peer = kAcks, .expect_orphans = 0});
    add({.name = "fin-wait2-long", .what = "the peer acks our FIN, never closes; tcp_fin_timeout=62",
         .blog = "orphaned rises by 10, keepalive timer", .connections = 10, .fin_timeout = 62,
         .actions = {{A::close}}, .deadline_s = 10, .peer = kAcks, .expect_orphans = 10});
    add({.name = "fin-wait2-120", .what = "as fin-wait2-long with tcp_fin_timeout=120 (the blog's)",
         .blog = "orphaned rises by 10, keepalive timer", .long_run = true, .connections = 10,
         .fin_timeout = 120, .actions = {{A::close}}, .deadline_s = 135, .peer = kAcks,
         .expect_orphans = 10});
    // --- abortive closes
    add({.name = "linger-zero", .what = "SO_LINGER {1, 0}: RST at close", .connections = 3,
         .linger = 0, .actions = {{A::close}}, .deadline_s = 2, .peer = kAcks, .expect_orphans = 0});
    add({.name = "unread-data", .what = "unread data at close: RST", .connections = 3, .unread = true,
         .actions = {{A::peer_send}, {A::wait, 100}, {A::close}}, .deadline_s = 2, .peer = kAcks,
         .expect_orphans = 0});
    add({.name = "linger2-negative", .what = "TCP_LINGER2 -1: RST once the FIN is acked", .connections = 3,
         .linger2 = -1, .actions = {{A::close}}, .deadline_s = 2, .peer = kAcks});
    // --- SO_LINGER > 0
    add({.name = "linger-timeout", .what = "SO_LINGER {1, 1}, FIN lost: close() waits 1 s, then an orphan",
         .connections = 2, .orphan_retries = 1, .linger = 1, .actions = {{A::drop_fin_to_peer}, {A::close}},
         .deadline_s = 8, .peer = kSilent, .expect_orphans = 2});
    add({.name = "linger-acked", .what = "SO_LINGER {1, 5}, FIN acked: close() returns in FIN_WAIT2",
         .connections = 2, .fin_timeout = 2, .linger = 5, .actions = {{A::close}}, .deadline_s = 6,
         .peer = kAcks, .expect_orphans = 0});
    add({.name = "linger-last-ack", .what = "SO_LINGER {1, 5} in CLOSE_WAIT, FIN acked: destroyed",
         .connections = 2, .linger = 5, .actions = {{A::peer_close}, {A::wait, 100}, {A::close}},
         .deadline_s = 3, .peer = kCloses, .expect_orphans = 0});
    // --- limits
    add({.name = "max-orphans", .what = "tcp_max_orphans=4, FINs lost, closes 250 ms apart: later closes RST",
         .connections = 10, .orphan_retries = 2, .max_orphans = 4,
         .actions = {{A::drop_fin_to_peer}, {A::close, 250}}, .deadline_s = 12, .peer = kSilent});
    add({.name = "tw-overflow", .what = "tcp_max_tw_buckets=0: no timewait bucket, the socket is destroyed",
         .connections = 3, .fin_timeout = 3, .max_tw_buckets = 0, .actions = {{A::close}}, .deadline_s = 2,
         .peer = kAcks, .expect_orphans = 0});
    // --- the peer closes or answers
    add({.name = "last-ack-acked", .what = "the peer closes first, acks our FIN: destroyed, no TIME_WAIT",
         .connections = 3, .actions = {{A::peer_close}, {A::wait, 100}, {A::close}}, .deadline_s = 2,
         .peer = kCloses});
    add({.name = "time-wait", .what = "we close, the peer acks and closes: TIME_WAIT, removed with ss -K",
         .connections = 3, .actions = {{A::close}, {A::wait, 100}, {A::peer_close}, {A::wait, 300}, {A::abort}},
         .deadline_s = 2, .peer = kAbortCloses});
    add({.name = "time-wait-expiry", .what = "as time-wait, the bucket left to its 60 s timer", .long_run = true,
         .connections = 3, .actions = {{A::close}, {A::wait, 100}, {A::peer_close}}, .deadline_s = 70,
         .peer = kCloses});
    add({.name = "tw-fin-wait2-fin", .what = "FIN_WAIT2 bucket gets the peer's FIN: TIME_WAIT, then ss -K",
         .connections = 3, .fin_timeout = 20,
         .actions = {{A::close}, {A::wait, 200}, {A::peer_close}, {A::wait, 300}, {A::abort}}, .deadline_s = 2,
         .peer = kAbortCloses});
    add({.name = "tw-fin-wait2-data", .what = "FIN_WAIT2 bucket gets data: RST, bucket freed", .connections = 3,
         .fin_timeout = 20, .actions = {{A::close}, {A::wait, 200}, {A::peer_send}}, .deadline_s = 2,
         .peer = kData});
    add({.name = "closing", .what = "simultaneous close: the peer's FIN crosses our lost FIN, then ss -K",
         .connections = 3, .orphan_retries = 3,
         .actions = {{A::drop_fin_to_peer}, {A::close}, {A::wait, 100}, {A::peer_close}, {A::wait, 100},
                     {A::allow_all}, {A::wait, 1500}, {A::abort}},
         .deadline_s = 3, .peer = kAbortClosesLossy});
    add({.name = "closing-timeout", .what = "simultaneous close, our FIN never arrives: CLOSING orphans time out",
         .connections = 3, .orphan_retries = 1,
         .actions = {{A::drop_fin_to_peer}, {A::close}, {A::wait, 100}, {A::peer_close}}, .deadline_s = 6,
         .peer = kClosesLossy});
    add({.name = "peer-reset", .what = "FIN_WAIT1 orphans reset by the peer", .connections = 3,
         .orphan_retries = 3, .actions = {{A::drop_fin_to_peer}, {A::close}, {A::wait, 200}, {A::peer_abort}},
         .deadline_s = 2, .peer = kResetsLossy});
    add({.name = "last-ack-reset", .what = "LAST_ACK orphans reset by the peer", .connections = 3,
         .orphan_retries = 3,
         .actions = {{A::peer_close}, {A::wait, 100}, {A::drop_fin_to_peer}, {A::close}, {A::wait, 200},
                     {A::peer_abort}},
         .deadline_s = 2, .peer = kClosesResets});
    add({.name = "fin-wait2-data", .what = "FIN_WAIT2 orphans (tcp_fin_timeout=62) get data: RST",
         .connections = 3, .fin_timeout = 62, .actions = {{A::close}, {A::wait, 200}, {A::peer_send}},
         .deadline_s = 2, .peer = kData});
    add({.name = "abort-fin-wait1", .what = "ss -K on FIN_WAIT1 orphans", .connections = 3, .orphan_retries = 3,
         .actions = {{A::drop_fin_to_peer}, {A::close}, {A::wait, 200}, {A::abort}}, .deadline_s = 2,
         .peer = kAbortLossy});
    add({.name = "abort-fin-wait2", .what = "ss -K on FIN_WAIT2 orphans (tcp_fin_timeout=62)", .connections = 3,
         .fin_timeout = 62, .actions = {{A::close}, {A::wait, 200}, {A::abort}}, .deadline_s = 2,
         .peer = kAbortAcks});
    add({.name = "abort-established", .what = "ss -K before close(), then close()", .connections = 3,
         .actions = {{A::abort}, {A::wait, 100}, {A::close}}, .deadline_s = 2, .peer = kAbortAcks});
    add({.name = "abort-tw-fin-wait2", .what = "ss -K on FIN_WAIT2 buckets", .connections = 3, .fin_timeout = 20,
         .actions = {{A::close}, {A::wait, 200}, {A::abort}}, .deadline_s = 2, .peer = kAbortAcks});
    // --- more paths of the model, for coverage
    add({.name = "close-wait-unread", .what = "the peer sends a byte and closes; we close without reading: RST",
         .connections = 3, .unread = true,
         .actions = {{A::peer_send}, {A::peer_close}, {A::wait, 100}, {A::close}}, .deadline_s = 2,
         .peer = kClosesData, .expect_orphans = 0});
    add({.name = "close-wait-linger-zero", .what = "SO_LINGER {1, 0} in CLOSE_WAIT: RST", .connections = 3,
         .linger = 0, .actions = {{A::peer_close}, {A::wait, 100}, {A::close}}, .deadline_s = 2, .peer = kCloses,
         .expect_orphans = 0});
    add({.name = "linger-last-ack-timeout", .what = "SO_LINGER {1, 1} in CLOSE_WAIT, FIN lost: waits in LAST_ACK",
         .connections = 2, .orphan_retries = 1, .linger = 1,
         .actions = {{A::peer_close}, {A::wait, 100}, {A::drop_fin_to_peer}, {A::close}}, .deadline_s = 6,
         .peer = kClosesLossy});
    add({.name = "linger-closing", .what = "SO_LINGER {1, 5}, simultaneous close while close() waits, then ss -K",
         .connections = 2, .linger = 5,
         .actions = {{A::drop_fin_to_peer}, {A::close}, {A::wait, 100}, {A::peer_close}, {A::wait, 100},
                     {A::allow_all}, {A::wait, 1500}, {A::abort}},
         .deadline_s = 3, .peer = kAbortClosesLossy});
    add({.name = "linger-closing-timeout", .what = "SO_LINGER {1, 1}, simultaneous close, our FIN never arrives",
         .connections = 2, .orphan_retries = 1, .linger = 1,
         .actions = {{A::drop_fin_to_peer}, {A::close}, {A::wait, 100}, {A::peer_close}}, .deadline_s = 6,
         .peer = kClosesLossy});
    add({.name = "linger-reset", .what = "SO_LINGER {1, 5}, FIN lost, the peer resets while close() waits",
         .connections = 2, .orphan_retries = 3, .linger = 5,
         .actions = {{A::drop_fin_to_peer}, {A::close}, {A::wait, 200}, {A::peer_abort}}, .deadline_s = 2,
         .peer = kResetsLossy, .expect_orphans = 0});
    add({.name = "linger-data", .what = "SO_LINGER {1, 5}, FIN lost, the peer sends data while close() waits",
         .connections = 2, .orphan_retries = 3, .linger = 5,
         .actions = {{A::drop_fin_to_peer}, {A::close}, {A::wait, 200}, {A::peer_send}}, .deadline_s = 2,
         .peer = kDataLossy, .expect_orphans = 0});
    add({.name = "linger-fin-wait2-long", .what = "SO_LINGER {1, 5}, FIN acked, tcp_fin_timeout=62: orphan after close()",
         .connections = 2, .fin_timeout = 62, .linger = 5, .actions = {{A::close}}, .deadline_s = 8, .peer = kAcks,
         .expect_orphans = 2});
    add({.name = "linger-linger2-negative", .what = "SO_LINGER {1, 5} and TCP_LINGER2 -1, FIN acked: RST at the end of close()",
         .connections = 2, .linger = 5, .linger2 = -1, .actions = {{A::close}}, .deadline_s = 2, .peer = kAcks,
         .expect_orphans = 0});
    add({.name = "fin-wait1-data", .what = "FIN_WAIT1 orphans (FIN lost) get data: RST", .connections = 3,
         .orphan_retries = 3, .actions = {{A::drop_fin_to_peer}, {A::close}, {A::wait, 200}, {A::peer_send}},
         .deadline_s = 2, .peer = kDataLossy});
    add({.name = "reset-before-close", .what = "the peer resets an established connection; then we close",
         .connections = 3, .actions = {{A::peer_abort}, {A::wait, 100}, {A::close}}, .deadline_s = 2,
         .peer = kResets, .expect_orphans = 0});
    add({.name = "close-wait-reset", .what = "the peer closes, then resets; then we close", .connections = 3,
         .actions = {{A::peer_close}, {A::wait, 100}, {A::peer_abort}, {A::wait, 100}, {A::close}}, .deadline_s = 2,
         .peer = kClosesThenResets, .expect_orphans = 0});
    add({.name = "abort-close-wait", .what = "ss -K in CLOSE_WAIT, then close()", .connections = 3,
         .actions = {{A::peer_close}, {A::wait, 100}, {A::abort}, {A::wait, 100}, {A::close}}, .deadline_s = 2,
         .peer = kAbortCloses, .expect_orphans = 0});
    add({.name = "abort-last-ack", .what = "ss -K on LAST_ACK orphans", .connections = 3, .orphan_retries = 3,
         .actions = {{A::peer_close}, {A::wait, 100}, {A::drop_fin_to_peer}, {A::close}, {A::wait, 200}, {A::abort}},
         .deadline_s = 2, .peer = kAbortClosesLossy});
    add({.name = "abort-closing", .what = "ss -K on CLOSING orphans", .connections = 3, .orphan_retries = 3,
         .actions = {{A::drop_fin_to_peer}, {A::close}, {A::wait, 100}, {A::peer_close}, {A::wait, 200}, {A::abort}},
         .deadline_s = 2, .peer = kAbortClosesLossy});
    add({.name = "fin-wait2-long-fin", .what = "FIN_WAIT2 orphans (tcp_fin_timeout=62) get the peer's FIN: TIME_WAIT, then ss -K",
         .connections = 3, .fin_timeout = 62,
         .actions = {{A::close}, {A::wait, 200}, {A::peer_close}, {A::wait, 200}, {A::abort}}, .deadline_s = 2,
         .peer = kAbortCloses});
    add({.name = "fin-wait2-long-overflow", .what = "FIN_WAIT2 orphans (tcp_fin_timeout=62), tcp_max_tw_buckets=0",
         .connections = 3, .fin_timeout = 62, .max_tw_buckets = 0, .actions = {{A::close}}, .deadline_s = 5,
         .peer = kAcks, .expect_orphans = 3});
    add({.name = "fin-wait2-long-fin-overflow", .what = "as fin-wait2-long-fin, tcp_max_tw_buckets=0: destroyed on the FIN",
         .connections = 3, .fin_timeout = 62, .max_tw_buckets = 0,
         .actions = {{A::close}, {A::wait, 200}, {A::peer_close}}, .deadline_s = 2, .peer = kCloses});
    add({.name = "closing-overflow", .what = "simultaneous close, tcp_max_tw_buckets=0: no TIME_WAIT bucket",
         .connections = 3, .orphan_retries = 3, .max_tw_buckets = 0,
         .actions = {{A::drop_fin_to_peer}, {A::close}, {A::wait, 100}, {A::peer_close}, {A::wait, 100}, {A::allow_all}},
         .deadline_s = 3, .peer = kClosesLossy});
    add({.name = "fin-wait2-reset", .what = "FIN_WAIT2 orphans (tcp_fin_timeout=62) reset by the peer", .connections = 3,
         .fin_timeout = 62, .actions = {{A::close}, {A::wait, 200}, {A::peer_abort}}, .deadline_s = 2, .peer = kResets});
    add({.name = "closing-reset", .what = "CLOSING orphans reset by the peer", .connections = 3, .orphan_retries = 3,
         .actions = {{A::drop_fin_to_peer}, {A::close}, {A::wait, 100}, {A::peer_close}, {A::wait, 200}, {A::peer_abort}},
         .deadline_s = 2, .peer = kClosesResets});
    add({.name = "tw-fin-wait2-reset", .what = "FIN_WAIT2 buckets reset by the peer", .connections = 3, .fin_timeout = 20,
         .actions = {{A::close}, {A::wait, 200}, {A::peer_abort}}, .deadline_s = 2, .peer = kResets});
    add({.name = "last-ack-max-orphans", .what = "tcp_max_orphans=2, LAST_ACK orphans, closes 250 ms apart",
         .connections = 6, .orphan_retries = 2, .max_orphans = 2,
         .actions = {{A::peer_close}, {A::wait, 100}, {A::drop_fin_to_peer}, {A::close, 250}}, .deadline_s = 12,
         .peer = kClosesLossy});
    add({.name = "max-orphans-burst", .what = "tcp_max_orphans=4: 6 closes, 300 ms later 4 more: those are reset at close()",
         .connections = 10, .orphan_retries = 2, .max_orphans = 4,
         .actions = {{A::drop_fin_to_peer}, {A::close, 0, 6}, {A::wait, 300}, {A::close}}, .deadline_s = 12,
         .peer = kSilent});
    add({.name = "last-ack-max-orphans-burst", .what = "tcp_max_orphans=2, LAST_ACK: 3 closes, 300 ms later 3 more",
         .connections = 6, .orphan_retries = 2, .max_orphans = 2,
         .actions = {{A::peer_close}, {A::wait, 100}, {A::drop_fin_to_peer}, {A::close, 0, 3}, {A::wait, 300}, {A::close}},
         .deadline_s = 12, .peer = kClosesLossy});
    add({.name = "closing-max-orphans", .what = "tcp_max_orphans=2, 5 CLOSING orphans: reset at an RTO expiry",
         .connections = 5, .orphan_retries = 2, .max_orphans = 2,
         .actions = {{A::drop_fin_to_peer}, {A::close}, {A::wait, 100}, {A::peer_close}}, .deadline_s = 12,
         .peer = kClosesLossy});
    // --- TCP_USER_TIMEOUT replaces the orphan retry budget: it can lengthen the orphan's life, or shorten it.
    add({.name = "user-timeout-longer", .what = "TCP_USER_TIMEOUT 3 s, tcp_orphan_retries=1, FIN lost: gone 3 s after the first retransmission, not 1.7 s",
         .connections = 2, .orphan_retries = 1, .user_timeout_ms = 3000, .actions = {{A::drop_fin_to_peer}, {A::close}},
         .deadline_s = 6, .peer = kSilent});
    add({.name = "user-timeout-shorter", .what = "TCP_USER_TIMEOUT 1 s, tcp_orphan_retries=0 (8), FIN lost: gone at about 1.4 s, not 107 s",
         .connections = 2, .orphan_retries = 0, .user_timeout_ms = 1000, .actions = {{A::drop_fin_to_peer}, {A::close}},
         .deadline_s = 4, .peer = kSilent});
    add({.name = "linger-retries", .what = "SO_LINGER {1, 30}, FIN lost, tcp_retries2=1: close() times out while it waits",
         .connections = 2, .orphan_retries = 1, .retries2 = 1, .linger = 30,
         .actions = {{A::drop_fin_to_peer}, {A::close}}, .deadline_s = 8, .peer = kSilent, .expect_orphans = 0});
    add({.name = "linger-last-ack-retries", .what = "as linger-retries, in LAST_ACK", .connections = 2,
         .orphan_retries = 1, .retries2 = 1, .linger = 30,
         .actions = {{A::peer_close}, {A::wait, 100}, {A::drop_fin_to_peer}, {A::close}}, .deadline_s = 8,
         .peer = kClosesLossy, .expect_orphans = 0});
    add({.name = "linger-closing-retries", .what = "as linger-retries, in CLOSING", .connections = 2,
         .orphan_retries = 1, .retries2 = 1, .linger = 30,
         .actions = {{A::drop_fin_to_peer}, {A::close}, {A::wait, 100}, {A::peer_close}}, .deadline_s = 8,
         .peer = kClosesLossy, .expect_orphans = 0});
    add({.name = "linger-closing-reset", .what = "SO_LINGER {1, 5}, simultaneous close, reset while close() waits",
         .connections = 2, .orphan_retries = 3, .linger = 5,
         .actions = {{A::drop_fin_to_peer}, {A::close}, {A::wait, 100}, {A::peer_close}, {A::wait, 200}, {A::peer_abort}},
         .deadline_s = 2, .peer = kClosesResets, .expect_orphans = 0});
    add({.name = "linger-last-ack-reset", .what = "SO_LINGER {1, 5} in LAST_ACK, reset while close() waits",
         .connections = 2, .orphan_retries = 3, .linger = 5,
         .actions = {{A::peer_close}, {A::wait, 100}, {A::drop_fin_to_peer}, {A::close}, {A::wait, 200}, {A::peer_abort}},
         .deadline_s = 2, .peer = kClosesThenResets, .expect_orphans = 0});
    add({.name = "linger-fin-wait2-long-oom", .what = "as linger-fin-wait2-long, tcp_max_orphans=0, closes 300 ms apart",
         .connections = 2, .fin_timeout = 62, .max_orphans = 0, .linger = 5, .actions = {{A::close, 300}},
         .deadline_s = 8, .peer = kAcks});
    add({.name = "linger-closing-overflow", .what = "as linger-closing, tcp_max_tw_buckets=0", .connections = 2,
         .max_tw_buckets = 0, .linger = 5,
         .actions = {{A::drop_fin_to_peer}, {A::close}, {A::wait, 100}, {A::peer_close}, {A::wait, 100}, {A::allow_all}},
         .deadline_s = 3, .peer = kClosesLossy});
    // --- zero window: the peer stops reading, our data fills its window, the FIN waits behind the data and
    // the persist timer probes (tcp_probe_timer). On loopback the peer answers a probe with a dup ACK, at most
    // one per 500 ms (tcp_invalid_ratelimit): the model's lossy network stands for that.
    add({.name = "zero-window", .what = "the peer stops reading, our FIN waits behind its zero window; probes unanswered",
         .connections = 3, .orphan_retries = 1, .actions = {{A::fill_window}, {A::close}, {A::drop_from_peer}},
         .deadline_s = 3, .peer = kSilent});
    add({.name = "zero-window-default-retries", .what = "as zero-window, tcp_orphan_retries=0 (8 probes while alive): about 111 s",
         .long_run = true, .connections = 3, .orphan_retries = 0,
         .actions = {{A::fill_window}, {A::close}, {A::drop_from_peer}}, .deadline_s = 150, .peer = kSilent});
    // The peer answers every probe it is sent (its dup ACKs are rate-limited to one per 500 ms, so an early
    // probe may go unanswered): the orphan lives until the backoff reaches RTO_MAX and it is no longer alive.
    add({.name = "zero-window-answered", .what = "as zero-window-default-retries, every probe may be answered: about 325 s",
         .long_run = true, .connections = 2, .orphan_retries = 0, .actions = {{A::fill_window}, {A::close}},
         .deadline_s = 420, .peer = kSilent});
    add({.name = "zero-window-last-ack", .what = "the peer closes first and stops reading: LAST_ACK, FIN behind the window",
         .connections = 3, .orphan_retries = 1,
         .actions = {{A::peer_close}, {A::wait, 100}, {A::fill_window}, {A::close}, {A::drop_from_peer}},
         .deadline_s = 3, .peer = kClosesLossy});
    add({.name = "zero-window-closing", .what = "zero window, the peer's FIN arrives while ours waits: CLOSING probes",
         .connections = 3, .orphan_retries = 1,
         .actions = {{A::fill_window}, {A::close}, {A::drop_from_peer_but_fin}, {A::wait, 100}, {A::peer_close}},
         .deadline_s = 3, .peer = kClosesLossy});
    add({.name = "zero-window-linger-retries", .what = "SO_LINGER {1, 30}, zero window, tcp_retries2=1: close() times out",
         .connections = 2, .orphan_retries = 1, .retries2 = 1, .linger = 30,
         .actions = {{A::fill_window}, {A::close}, {A::drop_from_peer}}, .deadline_s = 3, .peer = kSilent,
         .expect_orphans = 0});
    add({.name = "zero-window-last-ack-linger-retries", .what = "as zero-window-linger-retries, in LAST_ACK",
         .connections = 2, .orphan_retries = 1, .retries2 = 1, .linger = 30,
         .actions = {{A::peer_close}, {A::wait, 100}, {A::fill_window}, {A::close}, {A::drop_from_peer}},
         .deadline_s = 3, .peer = kClosesLossy, .expect_orphans = 0});
    add({.name = "zero-window-closing-linger-retries", .what = "as zero-window-linger-retries, in CLOSING",
         .connections = 2, .orphan_retries = 1, .retries2 = 1, .linger = 30,
         .actions = {{A::fill_window}, {A::close}, {A::drop_from_peer_but_fin}, {A::wait, 100}, {A::peer_close}},
         .deadline_s = 3, .peer = kClosesLossy, .expect_orphans = 0});
    add({.name = "zero-window-max-orphans", .what = "tcp_max_orphans=2, 5 zero-window orphans: reset at a probe",
         .connections = 5, .orphan_retries = 2, .max_orphans = 2,
         .actions = {{A::fill_window}, {A::close}, {A::drop_from_peer}}, .deadline_s = 4, .peer = kSilent});
    add({.name = "zero-window-last-ack-max-orphans", .what = "as zero-window-max-orphans, in LAST_ACK",
         .connections = 5, .orphan_retries = 2, .max_orphans = 2,
         .actions = {{A::peer_close}, {A::wait, 100}, {A::fill_window}, {A::close}, {A::drop_from_peer}},
         .deadline_s = 4, .peer = kClosesLossy});
    add({.name = "zero-window-closing-max-orphans", .what = "as zero-window-max-orphans, in CLOSING",
         .connections = 5, .orphan_retries = 2, .max_orphans = 2,
         .actions = {{A::fill_window}, {A::close}, {A::drop_from_peer_but_fin}, {A::wait, 100}, {A::peer_close}},
         .deadline_s = 4, .peer = kClosesLossy});
    add({.name = "zero-window-read", .what = "zero window, the peer reads again after 500 ms: data and FIN go out",
         .connections = 3, .fin_timeout = 2, .actions = {{A::fill_window}, {A::close}, {A::wait, 500}, {A::peer_read}},
         .deadline_s = 4, .peer = kSilent});
    add({.name = "zero-window-last-ack-read", .what = "as zero-window-read, in LAST_ACK", .connections = 3,
         .actions = {{A::peer_close}, {A::wait, 100}, {A::fill_window}, {A::close}, {A::wait, 500}, {A::peer_read}},
         .deadline_s = 3, .peer = kClosesLossy});
    add({.name = "zero-window-closing-read", .what = "as zero-window-read, in CLOSING: TIME_WAIT, then ss -K",
         .connections = 3,
         .actions = {{A::fill_window}, {A::close}, {A::wait, 100}, {A::peer_close}, {A::wait, 400}, {A::peer_read},
                     {A::wait, 300}, {A::abort}},
         .deadline_s = 3, .peer = kAbortClosesLossy});
    // --- data left to send at close(): our FIN goes out behind a short message the peer has not acked.
    // Every segment of ours is dropped at first, so the data is unacked at close(), and the first RTO (about
    // 200 ms) resends it into the drop: idiag_retrans shows 1. At 350 ms the drops give way to one of our
    // FINs alone; the second RTO (about 600 ms) resends the data without the FIN (tcp_retrans_collapse=0),
    // the peer acks it, and the ACK of the data alone sets icsk_retransmits back to 0 in the same state
    // (rx_data_ack), which the trace check asks the model to explain. The FIN retransmissions that follow
    // are dropped, and the retry budget (tcp_orphan_retries=2) ends the orphan.
    add({.name = "unacked-data-fin-wait1", .what = "data unacked at close(), then acked without the FIN behind it (lost): the retry count restarts",
         .connections = 3, .orphan_retries = 2, .retrans_collapse = false,
         .actions = {{A::drop_to_peer}, {A::send}, {A::close}, {A::wait, 350}, {A::drop_only_fin_to_peer}},
         .deadline_s = 8, .peer = kSilent, .expect_orphans = 3});
    add({.name = "unacked-data-last-ack", .what = "as unacked-data-fin-wait1, the peer closed first: LAST_ACK",
         .connections = 3, .orphan_retries = 2, .retrans_collapse = false,
         .actions = {{A::peer_close}, {A::wait, 100}, {A::drop_to_peer}, {A::send}, {A::close}, {A::wait, 350},
                     {A::drop_only_fin_to_peer}},
         .deadline_s = 8, .peer = kClosesLossy, .expect_orphans = 3});
    // The peer's FIN comes before it has our data (its ACK field stops short of it): CLOSING with the data
    // still unacked.
    add({.name = "unacked-data-closing", .what = "as unacked-data-fin-wait1, the peer's FIN crosses ours: CLOSING",
         .connections = 3, .orphan_retries = 2, .retrans_collapse = false,
         .actions = {{A::drop_to_peer}, {A::send}, {A::close}, {A::wait, 100}, {A::peer_close}, {A::wait, 250},
                     {A::drop_only_fin_to_peer}},
         .deadline_s = 8, .peer = kClosesLossy, .expect_orphans = 3});
    add_shutdown_scenarios(s);
    add_listener_scenarios(s);
    add_connect_scenarios(s);
    return s;
}
}  // namespace

checker::CaseConfig Scenario::model_case(std::string_view profile) const {
    checker::CaseConfig c;
    const model::KernelProfile* p = model::find_profile(profile);
    if (p == nullptr) throw std::invalid_argument("unknown kernel profile " + std::string(profile));
    c.sysctl.kernel = p->options;
    c.sysctl.fin_timeout_seconds = fin_timeout;
    c.sysctl.orphan_retries = orphan_retries;
    c.sysctl.max_orphans = max_orphans.value_or(255);  // the default limit is never near
    c.sysctl.max_tw_buckets = max_tw_buckets.value_or(connections + 1);
    c.peer = peer;
    model::CloseOpts o;
    o.linger = linger < 0 ? model::Linger::off : linger == 0 ? model::Linger::zero : model::Linger::timeout;
    o.linger2 = linger2 == 0   ? model::Linger2::sysctl
                : linger2 < 0  ? model::Linger2::negative
                : linger2 > 60 ? model::Linger2::long_
                               : model::Linger2::short_;
    o.unread = unread;
    o.window_closed = peer_window_closed();
    o.unacked = data_unacked_at_close();
    c.sysctl.retries2 = retries2.value_or(c.sysctl.retries2);  // a fresh namespace has the kernel default, 15
    c.sysctl.user_timeout_ms = user_timeout_ms;
    if (synack_retries) c.sysctl.synack_retries = *synack_retries;
    c.close_events = {model::close_event(o)};
    c.shutdown_first = shuts_down();
    c.close_first = !every_socket_shuts_down_first();
    return c;
}

std::vector<model::SlotRole> Scenario::roles() const {
    std::vector<model::SlotRole> out;
    for (std::size_t j = 0; (listener_side() || connecting) && j < std::size_t(sockets()); ++j)
        out.push_back(role_of(j));
    return out;
}

bool Scenario::peer_closes_first() const {
    for (const Action& a : actions) {
        if (a.act == Act::close) return false;
        if (a.act == Act::peer_close) return true;
    }
    return false;
}

bool Scenario::peer_window_closed() const {
    return std::any_of(actions.begin(), actions.end(), [](const Action& a) { return a.act == Act::fill_window; });
}

bool Scenario::data_unacked_at_close() const {
    for (const Action& a : actions) {
        if (a.act == Act::close) return false;
        if (a.act == Act::send) return true;
    }
    return false;
}

bool Scenario::shuts_down() const {
    return std::any_of(actions.begin(), actions.end(), [](const Action& a) { return a.act == Act::shutdown_wr; });
}

bool Scenario::every_socket_shuts_down_first() const {
    // The sockets each call picks, as record_scenario picks them: in order, those not yet closed (shut down).
    std::vector<bool> shut(std::size_t(connections), false), closed(std::size_t(connections), false);
    bool every = true;
    for (const Action& a : actions) {
        if (a.act != Act::close && a.act != Act::shutdown_wr) continue;
        int done = 0;
        for (std::size_t i = 0; i < closed.size() && (a.count == 0 || done < a.count); ++i) {
            if (closed[i] || (a.act == Act::shutdown_wr && shut[i])) continue;
            ++done;
            if (a.act == Act::shutdown_wr) {
                shut[i] = true;
            } else {
                every = every && shut[i];
                closed[i] = true;
            }
        }
    }
    return every;
}

std::vector<checker::EnvEvent> Scenario::network_never() const {
    using E = checker::EnvEvent;
    // Our peer's sockets stay open (shutdown() only) until the run ends: they never vanish on their own.
    std::vector<E> out{E::peer_vanishes};
    bool fin_dropped = false, peer_dropped = false, peer_fin_passes = false, peer_closed = false, peer_reads = false;
    for (const Action& a : actions) {
        const bool drops_fin = a.act == Act::drop_fin_to_peer || a.act == Act::drop_to_peer ||
                               a.act == Act::drop_only_fin_to_peer;
        fin_dropped = (fin_dropped || drops_fin) && a.act != Act::allow_all;
        const bool drop = a.act == Act::drop_from_peer || a.act == Act::drop_from_peer_but_fin;
        peer_dropped = (peer_dropped || drop) && a.act != Act::allow_all && a.act != Act::drop_only_fin_to_peer;
        // The peer's FIN still arrives: it passes the drop, or it arrived before it.
        if (drop) peer_fin_passes = a.act == Act::drop_from_peer_but_fin || peer_closed;
        peer_closed = peer_closed || a.act == Act::peer_close;
        peer_reads = peer_reads || a.act == Act::peer_read;
    }
    // The client's last ACK of the handshake never reaches a request socket, nor the server's SYN-ACK a
    // connecting socket, while the drop holds.
    bool ack_dropped = handshake_ack_dropped || connecting;
    for (const Action& a : actions) ack_dropped = ack_dropped && a.act != Act::allow_all;
    if (ack_dropped) out.push_back(E::deliver_ack);
    if (fin_dropped) out.push_back(E::fin_to_peer);
    // The drop comes at once after close(): no probe, and so no answer to one, is sent before it.
    if (peer_dropped) out.insert(out.end(), {E::deliver_ack, E::deliver_data, E::deliver_rst, E::deliver_window_ack});
    if (peer_dropped && !peer_fin_passes) out.push_back(E::deliver_fin);
    if (!peer_reads) out.push_back(E::peer_reads);  // a peer that stopped reading never reads again
    return out;
}

std::span<const Scenario> scenarios() {
    static const std::vector<Scenario> all = build();
    return all;
}

const Scenario* find_scenario(std::string_view name) {
    for (const Scenario& s : scenarios())
        if (s.name == name) return &s;
    return nullptr;
}

}  // namespace orphancheck::conform
