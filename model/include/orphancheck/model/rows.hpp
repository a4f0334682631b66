// Stable names of the close-path transition rows. Each row of the Boost.MSM
// table records its RowId when it fires, so reports, patches and coverage
// can name "which kernel code path ran". X(name, kernel function, summary).
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string_view>

namespace orphancheck::model {

#define ORPHANCHECK_ROWS(X)                                                                                                           \
    X(close_after_reset, "__tcp_close", "already CLOSE (reset earlier): go straight to adjudge_to_death")                             \
    X(close_unread_rst, "__tcp_close", "unread data at close: CLOSE + RST (TCPAbortOnClose)")                                         \
    X(close_wait_unread_rst, "__tcp_close", "unread data at close in CLOSE_WAIT: CLOSE + RST")                                        \
    X(close_linger0_rst, "tcp_disconnect", "SO_LINGER 0: abortive close, RST (TCPAbortOnData)")                                       \
    X(close_wait_linger0_rst, "tcp_disconnect", "SO_LINGER 0 in CLOSE_WAIT: RST")                                                     \
    X(close_fin, "tcp_close_state/tcp_send_fin", "normal close: FIN_WAIT1 + FIN, orphaned")                                           \
    X(close_fin_linger, "sk_stream_wait_close", "SO_LINGER > 0: FIN sent, close() waits, not yet orphan")                             \
    X(close_wait_fin, "tcp_close_state/tcp_send_fin", "close in CLOSE_WAIT: LAST_ACK + FIN, orphaned")                                \
    X(close_wait_fin_linger, "sk_stream_wait_close", "close in CLOSE_WAIT with SO_LINGER > 0: waits")                                 \
    X(close_fin_zero_window, "tcp_send_fin", "normal close, peer window zero: FIN queued behind the data, orphaned")                  \
    X(close_fin_linger_zero_window, "tcp_send_fin", "SO_LINGER > 0, peer window zero: FIN queued, close() waits")                     \
    X(close_wait_fin_zero_window, "tcp_send_fin", "close in CLOSE_WAIT, peer window zero: LAST_ACK, FIN queued")                      \
    X(close_wait_fin_linger_zero_window, "tcp_send_fin", "close in CLOSE_WAIT, SO_LINGER > 0, window zero: waits")                    \
    X(close_fin_alloc_failed, "tcp_send_fin", "normal close, FIN skb allocation fails: FIN_WAIT1 orphan, no FIN, no timer (O7)")   \
    X(close_fin_linger_alloc_failed, "tcp_send_fin", "SO_LINGER > 0, FIN skb allocation fails: close() waits, no FIN (O7)")           \
    X(close_wait_fin_alloc_failed, "tcp_send_fin", "close in CLOSE_WAIT, FIN skb allocation fails: LAST_ACK, no FIN (O7)")            \
    X(close_wait_fin_linger_alloc_failed, "tcp_send_fin", "close in CLOSE_WAIT, SO_LINGER > 0, allocation fails: waits (O7)")         \
    X(shutdown_fin, "tcp_shutdown/tcp_send_fin", "shutdown(SHUT_WR): FIN_WAIT1 + FIN, the file stays open: not an orphan")            \
    X(shutdown_fin_zero_window, "tcp_shutdown/tcp_send_fin", "shutdown(SHUT_WR), peer window zero: FIN queued, probe timer")          \
    X(shutdown_fin_alloc_failed, "tcp_shutdown/tcp_send_fin", "shutdown(SHUT_WR), FIN allocation fails: FIN_WAIT1, no FIN (O7)")      \
    X(shutdown_close_wait_fin, "tcp_shutdown/tcp_send_fin", "shutdown(SHUT_WR) in CLOSE_WAIT: LAST_ACK + FIN, file open")             \
    X(shutdown_close_wait_fin_zero_window, "tcp_shutdown/tcp_send_fin", "shutdown(SHUT_WR) in CLOSE_WAIT, window zero: FIN queued")   \
    X(shutdown_close_wait_fin_alloc_failed, "tcp_shutdown/tcp_send_fin", "shutdown(SHUT_WR) in CLOSE_WAIT, allocation fails: no FIN (O7)")\
    X(close_shut_unread_rst_fin_wait1, "__tcp_close", "close() after shutdown, FIN_WAIT1, unread data: CLOSE + RST")                  \
    X(close_shut_unread_rst_fin_wait2, "__tcp_close", "close() after shutdown, FIN_WAIT2, unread data: CLOSE + RST")                  \
    X(close_shut_unread_rst_closing, "__tcp_close", "close() after shutdown, CLOSING, unread data: CLOSE + RST")                      \
    X(close_shut_unread_rst_last_ack, "__tcp_close", "close() after shutdown, LAST_ACK, unread data: CLOSE + RST")                    \
    X(close_shut_linger0_rst_fin_wait1, "tcp_disconnect", "close() after shutdown, SO_LINGER 0, FIN_WAIT1: RST (tcp_need_reset)")     \
    X(close_shut_linger0_rst_fin_wait2, "tcp_disconnect", "close() after shutdown, SO_LINGER 0, FIN_WAIT2: RST (tcp_need_reset)")     \
    X(close_shut_linger0_closing, "tcp_disconnect", "close() after shutdown, SO_LINGER 0, CLOSING, FIN sent: CLOSE, no RST")          \
    X(close_shut_linger0_rst_closing, "tcp_disconnect", "SO_LINGER 0, CLOSING, FIN still queued (snd_nxt != write_seq): RST")         \
    X(close_shut_linger0_last_ack, "tcp_disconnect", "close() after shutdown, SO_LINGER 0, LAST_ACK, FIN sent: CLOSE, no RST")        \
    X(close_shut_linger0_rst_last_ack, "tcp_disconnect", "SO_LINGER 0, LAST_ACK, FIN still queued (snd_nxt != write_seq): RST")       \
    X(close_shut_fin_wait1, "__tcp_close", "close() after shutdown in FIN_WAIT1: no new FIN, orphaned now")                           \
    X(close_shut_fin_wait2, "__tcp_close", "close() after shutdown in FIN_WAIT2: orphaned now, FIN_WAIT2 timer or bucket")            \
    X(close_shut_closing, "__tcp_close", "close() after shutdown in CLOSING: no new FIN, orphaned now")                               \
    X(close_shut_last_ack, "__tcp_close", "close() after shutdown in LAST_ACK: no new FIN, orphaned now")                             \
    X(close_shut_linger_fin_wait1, "sk_stream_wait_close", "close() after shutdown, SO_LINGER > 0, FIN_WAIT1: waits")                 \
    X(close_shut_linger_closing, "sk_stream_wait_close", "close() after shutdown, SO_LINGER > 0, CLOSING: waits")                     \
    X(close_shut_linger_last_ack, "sk_stream_wait_close", "close() after shutdown, SO_LINGER > 0, LAST_ACK: waits")                   \
    X(close_shut_closed_tw, "__tcp_close", "close() after shutdown, already CLOSE with a TIME_WAIT bucket: orphaned")                 \
    X(linger_wake_fin_wait1, "sk_stream_wait_close", "linger wait ends in FIN_WAIT1: sock_orphan")                                    \
    X(linger_wake_fin_wait2, "sk_stream_wait_close", "linger wait ends in FIN_WAIT2: sock_orphan")                                    \
    X(linger_wake_closing, "sk_stream_wait_close", "linger wait ends in CLOSING: sock_orphan")                                        \
    X(linger_wake_last_ack, "sk_stream_wait_close", "linger wait ends in LAST_ACK: sock_orphan")                                      \
    X(linger_wake_closed, "sk_stream_wait_close", "linger wait ends, already CLOSE: sock_orphan")                                     \
    X(linger_wake_closed_tw, "sk_stream_wait_close", "linger wait ends, CLOSE + TIME_WAIT bucket")                                    \
    X(tail_fin_wait1_oom, "tcp_check_oom", "after close: too many orphans / memory: RST + destroy")                                   \
    X(tail_fin_wait1, "__tcp_close", "after close: orphan counted, stays FIN_WAIT1")                                                  \
    X(tail_closing_oom, "tcp_check_oom", "after close in CLOSING: too many orphans: RST + destroy")                                   \
    X(tail_closing, "__tcp_close", "after close: orphan counted, stays CLOSING")                                                      \
    X(tail_last_ack_oom, "tcp_check_oom", "after close in LAST_ACK: too many orphans: RST + destroy")                                 \
    X(tail_last_ack, "__tcp_close", "after close: orphan counted, stays LAST_ACK")                                                    \
    X(tail_fin_wait2_linger2_rst, "__tcp_close", "FIN_WAIT2 at close, TCP_LINGER2 < 0: RST + destroy")                                \
    X(tail_fin_wait2_keepalive_oom, "tcp_check_oom", "FIN_WAIT2 > 60 s, too many orphans: RST + destroy")                             \
    X(tail_fin_wait2_keepalive, "inet_csk_reset_keepalive_timer", "FIN_WAIT2 > 60 s: orphan + keepalive")                             \
    X(tail_fin_wait2_tw, "tcp_time_wait", "FIN_WAIT2 <= 60 s at close: timewait bucket, destroy")                                     \
    X(tail_fin_wait2_tw_overflow, "tcp_time_wait", "FIN_WAIT2 at close, no bucket: destroy")                                          \
    X(tail_closed, "inet_csk_destroy_sock", "CLOSE at the end of close(): destroy")                                                   \
    X(tail_closed_tw, "inet_csk_destroy_sock", "CLOSE with TIME_WAIT bucket: destroy the full socket")                                \
    X(tail_after_destroy, "__tcp_close", "destroyed from the backlog: count it, skip the rest")                                       \
    X(tail_after_destroy_tw_time_wait, "__tcp_close", "backlog made a TIME_WAIT bucket: count, skip")                                 \
    X(release_fin_wait1, "release_sock", "close() releases the socket (FIN_WAIT1)")                                                   \
    X(release_fin_wait2, "release_sock", "close() releases the socket (FIN_WAIT2)")                                                   \
    X(release_closing, "release_sock", "close() releases the socket (CLOSING)")                                                       \
    X(release_last_ack, "release_sock", "close() releases the socket (LAST_ACK)")                                                     \
    X(ack_fin_wait1_linger, "tcp_rcv_state_process", "FIN acked while lingering: FIN_WAIT2, wake close()")                            \
    X(ack_fin_wait1_linger2_rst, "tcp_rcv_state_process", "FIN acked, TCP_LINGER2 < 0: tcp_done + RST")                               \
    X(ack_fin_wait1_keepalive, "tcp_rcv_state_process", "FIN acked, fin_time > 60 s: orphan + keepalive")                             \
    X(ack_fin_wait1_bad_case, "tcp_rcv_state_process", "FIN acked while owned or on a FIN: keepalive = fin_time")                     \
    X(ack_fin_wait1_tw, "tcp_time_wait", "FIN acked, fin_time <= 60 s: FIN_WAIT2 bucket, destroy")                                    \
    X(ack_fin_wait1_tw_overflow, "tcp_time_wait", "FIN acked, no bucket: destroy")                                                    \
    X(ack_closing_tw, "tcp_time_wait", "CLOSING, FIN acked: TIME_WAIT bucket, destroy")                                               \
    X(ack_closing_tw_overflow, "tcp_time_wait", "CLOSING, FIN acked, no bucket: destroy")                                             \
    X(ack_closing_linger_tw, "tcp_time_wait", "CLOSING acked while lingering: bucket, CLOSE, wake")                                   \
    X(ack_closing_linger_tw_overflow, "tcp_time_wait", "CLOSING acked while lingering, no bucket")                                    \
    X(ack_last_ack, "tcp_done", "LAST_ACK, FIN acked: destroy (no TIME_WAIT)")                                                        \
    X(ack_last_ack_linger, "tcp_done", "LAST_ACK acked while lingering: CLOSE, wake close()")                                         \
    X(fin_established, "tcp_fin", "peer FIN: CLOSE_WAIT")                                                                             \
    X(fin_fin_wait1, "tcp_fin", "peer FIN before our FIN is acked: CLOSING (simultaneous close)")                                     \
    X(fin_fin_wait2_tw, "tcp_fin/tcp_time_wait", "FIN_WAIT2 orphan gets FIN: TIME_WAIT bucket, destroy")                              \
    X(fin_fin_wait2_tw_overflow, "tcp_fin/tcp_time_wait", "FIN_WAIT2 orphan gets FIN, no bucket")                                     \
    X(fin_fin_wait2_linger_tw, "tcp_fin/tcp_time_wait", "FIN_WAIT2 gets FIN while lingering: bucket")                                 \
    X(fin_fin_wait2_linger_tw_overflow, "tcp_fin/tcp_time_wait", "lingering FIN_WAIT2 gets FIN, no bucket")                           \
    X(fin_fin_wait2_old_ack_dropped, "tcp_rcv_state_process", "FIN with an old ACK, pre-2024: dropped, challenge ACK")                \
    X(fin_tw_fin_wait2, "tcp_timewait_state_process", "FIN_WAIT2 bucket gets FIN: TIME_WAIT for 60 s")                                \
    X(data_fin_wait1_reset, "tcp_rcv_state_process", "data after close in FIN_WAIT1: tcp_reset + RST")                                \
    X(data_fin_wait1_linger_reset, "tcp_rcv_state_process", "data while lingering in FIN_WAIT1: RST")                                 \
    X(data_fin_wait2_reset, "tcp_rcv_state_process", "data after close in FIN_WAIT2: tcp_reset + RST")                                \
    X(data_fin_wait2_linger_reset, "tcp_rcv_state_process", "data while lingering in FIN_WAIT2: RST")                                 \
    X(data_fin_wait1_shut, "tcp_data_queue", "data to FIN_WAIT1 after shutdown(SHUT_WR), file open: received, ACKed")                 \
    X(data_fin_wait2_shut, "tcp_data_queue", "data to FIN_WAIT2 after shutdown(SHUT_WR), file open: received, ACKed")                 \
    X(data_tw_fin_wait2_rst, "tcp_timewait_state_process", "data to a FIN_WAIT2 bucket: RST, bucket freed")                           \
    X(rst_established, "tcp_reset", "RST before close: CLOSE, user still holds the socket")                                           \
    X(rst_close_wait, "tcp_reset", "RST in CLOSE_WAIT before close: CLOSE")                                                           \
    X(rst_fin_wait1, "tcp_reset/tcp_done", "RST to a FIN_WAIT1 orphan: destroy")                                                      \
    X(rst_fin_wait1_linger, "tcp_reset", "RST while lingering in FIN_WAIT1: CLOSE")                                                   \
    X(rst_fin_wait2, "tcp_reset/tcp_done", "RST to a FIN_WAIT2 orphan: destroy")                                                      \
    X(rst_fin_wait2_linger, "tcp_reset", "RST while lingering in FIN_WAIT2: CLOSE")                                                   \
    X(rst_closing, "tcp_reset/tcp_done", "RST to a CLOSING orphan: destroy")                                                          \
    X(rst_closing_linger, "tcp_reset", "RST while lingering in CLOSING: CLOSE")                                                       \
    X(rst_last_ack, "tcp_reset/tcp_done", "RST to a LAST_ACK orphan: destroy")                                                        \
    X(rst_last_ack_linger, "tcp_reset", "RST while lingering in LAST_ACK: CLOSE")                                                     \
    X(rst_tw_fin_wait2, "tcp_timewait_state_process", "RST kills a FIN_WAIT2 bucket")                                                 \
    X(rst_tw_time_wait, "tcp_timewait_state_process", "RST kills a TIME_WAIT bucket (tcp_rfc1337=0)")                                 \
    X(rst_closed_tw, "tcp_timewait_state_process", "RST kills the TIME_WAIT bucket of a lingering close")                             \
    X(rto_fin_wait1_oom, "tcp_out_of_resources", "RTO: too many orphans / memory: RST + destroy")                                     \
    X(rto_fin_wait1, "tcp_retransmit_timer", "RTO: retransmit FIN, backoff")                                                          \
    X(rto_fin_wait1_linger, "tcp_retransmit_timer", "RTO while lingering: retransmit FIN")                                            \
    X(rto_closing_oom, "tcp_out_of_resources", "RTO in CLOSING: too many orphans: RST + destroy")                                     \
    X(rto_closing, "tcp_retransmit_timer", "RTO in CLOSING: retransmit FIN")                                                          \
    X(rto_closing_linger, "tcp_retransmit_timer", "RTO in CLOSING while lingering: retransmit")                                       \
    X(rto_last_ack_oom, "tcp_out_of_resources", "RTO in LAST_ACK: too many orphans: RST + destroy")                                   \
    X(rto_last_ack, "tcp_retransmit_timer", "RTO in LAST_ACK: retransmit FIN")                                                        \
    X(rto_last_ack_linger, "tcp_retransmit_timer", "RTO in LAST_ACK while lingering: retransmit")                                     \
    X(timeout_fin_wait1_oom, "tcp_out_of_resources", "RTO past budget, too many orphans: RST + destroy")                              \
    X(timeout_fin_wait1, "tcp_write_err", "orphan retries spent: silent destroy (no RST)")                                            \
    X(timeout_closing_oom, "tcp_out_of_resources", "RTO past budget in CLOSING, OOM: RST + destroy")                                  \
    X(timeout_closing, "tcp_write_err", "orphan retries spent in CLOSING: silent destroy")                                            \
    X(timeout_last_ack_oom, "tcp_out_of_resources", "RTO past budget in LAST_ACK, OOM: RST + destroy")                                \
    X(timeout_last_ack, "tcp_write_err", "orphan retries spent in LAST_ACK: silent destroy")                                          \
    X(timeout_fin_wait1_linger, "tcp_write_err", "lingering close() times out in FIN_WAIT1: CLOSE, no RST")                           \
    X(timeout_closing_linger, "tcp_write_err", "lingering close() times out in CLOSING: CLOSE, no RST")                               \
    X(timeout_last_ack_linger, "tcp_write_err", "lingering close() times out in LAST_ACK: CLOSE, no RST")                             \
    X(loss_probe_fin_wait1, "tcp_send_loss_probe", "tail-loss probe: our FIN sent again, no retransmission counted, RTO re-armed")     \
    X(loss_probe_closing, "tcp_send_loss_probe", "tail-loss probe in CLOSING: our FIN sent again, not counted")                         \
    X(loss_probe_last_ack, "tcp_send_loss_probe", "tail-loss probe in LAST_ACK: our FIN sent again, not counted")                       \
    X(probe_fin_wait1_timeout, "tcp_probe_timer/tcp_write_err", "FIN_WAIT1 orphan, probes spent or RTO_MAX reached: silent destroy")  \
    X(probe_fin_wait1_oom, "tcp_probe_timer/tcp_out_of_resources", "FIN_WAIT1 orphan, too many orphans: RST + destroy")               \
    X(probe_fin_wait1, "tcp_send_probe0", "FIN_WAIT1, FIN behind a zero window: send a window probe, back off")                       \
    X(probe_fin_wait1_linger, "tcp_send_probe0", "FIN_WAIT1 while lingering: window probe (budget tcp_retries2)")                     \
    X(probe_fin_wait1_linger_timeout, "tcp_probe_timer/tcp_write_err", "FIN_WAIT1 while lingering, tcp_retries2 probes: CLOSE, wake") \
    X(probe_closing_timeout, "tcp_probe_timer/tcp_write_err", "CLOSING orphan, probes spent or RTO_MAX reached: silent destroy")      \
    X(probe_closing_oom, "tcp_probe_timer/tcp_out_of_resources", "CLOSING orphan, too many orphans: RST + destroy")                   \
    X(probe_closing, "tcp_send_probe0", "CLOSING, FIN behind a zero window: send a window probe, back off")                           \
    X(probe_closing_linger, "tcp_send_probe0", "CLOSING while lingering: window probe (budget tcp_retries2)")                         \
    X(probe_closing_linger_timeout, "tcp_probe_timer/tcp_write_err", "CLOSING while lingering, tcp_retries2 probes: CLOSE, wake")     \
    X(probe_last_ack_timeout, "tcp_probe_timer/tcp_write_err", "LAST_ACK orphan, probes spent or RTO_MAX reached: silent destroy")    \
    X(probe_last_ack_oom, "tcp_probe_timer/tcp_out_of_resources", "LAST_ACK orphan, too many orphans: RST + destroy")                 \
    X(probe_last_ack, "tcp_send_probe0", "LAST_ACK, FIN behind a zero window: send a window probe, back off")                         \
    X(probe_last_ack_linger, "tcp_send_probe0", "LAST_ACK while lingering: window probe (budget tcp_retries2)")                       \
    X(probe_last_ack_linger_timeout, "tcp_probe_timer/tcp_write_err", "LAST_ACK while lingering, tcp_retries2 probes: CLOSE, wake")   \
    X(window_ack_fin_wait1, "tcp_ack/tcp_ack_probe", "FIN_WAIT1, peer answers a probe, window still zero: probes_out = 0")            \
    X(window_ack_closing, "tcp_ack/tcp_ack_probe", "CLOSING, peer answers a probe, window still zero: probes_out = 0")                \
    X(window_ack_last_ack, "tcp_ack/tcp_ack_probe", "LAST_ACK, peer answers a probe, window still zero: probes_out = 0")              \
    X(window_open_fin_wait1, "tcp_ack_probe/tcp_push_pending_frames", "FIN_WAIT1, peer window opens: data and FIN sent")              \
    X(window_open_closing, "tcp_ack_probe/tcp_push_pending_frames", "CLOSING, peer window opens: data and FIN sent")                  \
    X(window_open_last_ack, "tcp_ack_probe/tcp_push_pending_frames", "LAST_ACK, peer window opens: data and FIN sent")                \
    X(data_ack_fin_wait1, "tcp_ack", "FIN_WAIT1, peer ACKs the data ahead of our lost FIN: retries and retry clock restart")          \
    X(data_ack_closing, "tcp_ack", "CLOSING, peer ACKs the data ahead of our lost FIN: retries restart")                              \
    X(data_ack_last_ack, "tcp_ack", "LAST_ACK, peer ACKs the data ahead of our lost FIN: retries restart")                            \
    X(keepalive_tw, "tcp_keepalive_timer", "FIN_WAIT2 orphan timer: FIN_WAIT2 bucket for fin_time-60")                                \
    X(keepalive_tw_overflow, "tcp_keepalive_timer", "FIN_WAIT2 orphan timer, no bucket: destroy")                                     \
    X(keepalive_rst, "tcp_keepalive_timer", "FIN_WAIT2 orphan timer, tmo <= 0: RST + tcp_done")                                       \
    X(tw_fin_wait2_expire, "tw_timer_handler", "FIN_WAIT2 bucket expires")                                                            \
    X(tw_time_wait_expire, "tw_timer_handler", "TIME_WAIT bucket expires (60 s)")                                                     \
    X(closed_tw_expire, "tw_timer_handler", "bucket of a not yet orphaned CLOSE socket expires")                                      \
    X(abort_established, "tcp_abort", "ss -K before close(): CLOSE + RST, the user still holds the socket")                           \
    X(abort_close_wait, "tcp_abort", "ss -K in CLOSE_WAIT before close(): CLOSE + RST")                                               \
    X(abort_fin_wait1_linger, "tcp_abort", "ss -K on FIN_WAIT1 before it is an orphan (shut down or lingering): RST, CLOSE")          \
    X(abort_fin_wait2_linger, "tcp_abort", "ss -K on FIN_WAIT2 before it is an orphan: RST, CLOSE")                                   \
    X(abort_closing_linger, "tcp_abort", "ss -K on CLOSING before it is an orphan: CLOSE, no RST")                                    \
    X(abort_last_ack_linger, "tcp_abort", "ss -K on LAST_ACK before it is an orphan: CLOSE, no RST")                                  \
    X(abort_fin_wait1, "tcp_abort", "ss -K on a FIN_WAIT1 orphan: RST + destroy (6.11+)")                                             \
    X(abort_fin_wait2, "tcp_abort", "ss -K on a FIN_WAIT2 orphan: RST + destroy (6.11+)")                                             \
    X(abort_closing, "tcp_abort", "ss -K on a CLOSING orphan: destroy, no RST (6.11+)")                                               \
    X(abort_last_ack, "tcp_abort", "ss -K on a LAST_ACK orphan: destroy, no RST (6.11+)")                                             \
    X(abort_purge_fin_wait1, "tcp_abort", "ss -K on a FIN_WAIT1 orphan, pre-6.11: write queue purged only")                           \
    X(abort_purge_closing, "tcp_abort", "ss -K on a CLOSING orphan, pre-6.11: write queue purged only")                               \
    X(abort_purge_last_ack, "tcp_abort", "ss -K on a LAST_ACK orphan, pre-6.11: write queue purged only")                             \
    X(abort_skip_fin_wait2, "tcp_abort", "ss -K on a FIN_WAIT2 orphan, pre-6.11: skipped, its timer still runs")                      \
    X(abort_tw_fin_wait2, "tcp_abort", "ss -K on a FIN_WAIT2 timewait bucket: bucket freed (6.x)")                                    \
    X(abort_tw_time_wait, "tcp_abort", "ss -K on a TIME_WAIT bucket: bucket freed (6.x)")                                             \
    X(abort_refused_tw_fin_wait2, "tcp_abort", "ss -K on a FIN_WAIT2 bucket, 5.15: -EOPNOTSUPP")                                      \
    X(abort_refused_tw_time_wait, "tcp_abort", "ss -K on a TIME_WAIT bucket, 5.15: -EOPNOTSUPP")                                      \
    X(close_listen, "__tcp_close", "close() of a listener: CLOSE (unhashed), then inet_csk_listen_stop; no FIN, no RST")              \
    X(listen_stop_done, "inet_csk_listen_stop", "accept queue empty: the listener goes to adjudge_to_death (sock_orphan)")          \
    X(forget_established, "inet_csk_listen_stop/inet_child_forget", "queued ESTABLISHED child: tcp_disconnect RST, orphan, count") \
    X(forget_close_wait, "inet_csk_listen_stop/inet_child_forget", "queued CLOSE_WAIT child: tcp_disconnect RST, orphan, count")   \
    X(forget_closed, "inet_csk_listen_stop/inet_child_forget", "queued child already CLOSE (reset): orphan, count, no RST")        \
    X(forced_destroy, "inet_child_forget/inet_csk_destroy_sock", "the forgotten child is destroyed: uncounted, freed")             \
    X(req_ack_child, "tcp_check_req/inet_csk_complete_hashdance", "final ACK, listener in LISTEN: child queued ESTABLISHED")       \
    X(req_ack_no_listener, "tcp_v4_rcv", "final ACK, listener closed: request freed, no socket found: RST")                        \
    X(reqsk_timer_resend, "reqsk_timer_handler/inet_rtx_syn_ack", "SYN-ACK timer, listener in LISTEN: SYN-ACK sent again")      \
    X(reqsk_timer_expire, "reqsk_timer_handler", "SYN-ACK timer, tcp_synack_retries spent: request freed, no RST")                 \
    X(reqsk_timer_drop, "reqsk_timer_handler", "SYN-ACK timer, listener closed: request freed, no RST")                            \
    X(rst_new_syn_recv, "tcp_check_req", "RST from the client to a request socket: request freed")                   \
    X(close_syn_sent, "__tcp_close/tcp_set_state", "close() in SYN_SENT: CLOSE, nothing sent (not even with SO_LINGER 0)")         \
    X(syn_ack_syn_sent, "tcp_rcv_synsent_state_process", "the server's SYN-ACK: ESTABLISHED, our ACK sent")                      \
    X(syn_rto_syn_sent, "tcp_retransmit_timer", "SYN retransmit timer, tcp_syn_retries left: SYN sent again")                   \
    X(syn_timeout_syn_sent, "tcp_write_timeout/tcp_write_err", "SYN retries spent: CLOSE (ETIMEDOUT), the user still holds it") \
    X(rst_syn_sent, "tcp_reset", "the server refuses (RST): CLOSE (ECONNREFUSED), the user still holds it")

enum class RowId : std::uint8_t {
#define ORPHANCHECK_ROW_ENUM(name, fn, text) name,
    ORPHANCHECK_ROWS(ORPHANCHECK_ROW_ENUM)
#undef ORPHANCHECK_ROW_ENUM
        none
};
inline constexpr int kRows = int(RowId::none);

// Rows a patch file adds ([[row]] in patch_file.cpp, AddedRow in table_patch.hpp) take the ids after RowId::none.
// They are registered when the patch is read (the same name, function and summary give the same id), so every
// report names them like the table's rows.
inline constexpr int kMaxAddedRows = 255 - kRows;
struct AddedRowsExhausted : std::runtime_error {
    using std::runtime_error::runtime_error;
};
[[nodiscard]] RowId register_added_row(std::string_view name, std::string_view function, std::string_view summary);
[[nodiscard]] inline bool is_added_row(RowId r) { return int(r) > kRows; }
[[nodiscard]] std::optional<RowId> added_row_from_name(std::string_view s);

[[nodiscard]] std::string_view row_name(RowId r);
[[nodiscard]] std::string_view row_kernel_function(RowId r);
[[nodiscard]] std::string_view row_summary(RowId r);
[[nodiscard]] std::optional<RowId> row_from_name(std::string_view s);

}  // namespace orphancheck::model
