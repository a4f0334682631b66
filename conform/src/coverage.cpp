#include "orphancheck/conform/coverage.hpp"

#include <set>

namespace orphancheck::conform {

Coverage coverage(std::span<const ScenarioResult> results) {
    std::set<model::RowId> rows;
    for (const ScenarioResult& r : results) rows.insert(r.confirmed.begin(), r.confirmed.end());
    Coverage c;
    for (int i = 0; i < model::kRows; ++i) {
        const auto row = model::RowId(i);
        (rows.count(row) ? c.confirmed : c.missing).push_back(row);
    }
    return c;
}

std::string_view why_unconfirmed(model::RowId row) {
    using R = model::RowId;
    switch (row) {
        case R::fin_fin_wait2_old_ack_dropped:
        case R::abort_purge_fin_wait1:
        case R::abort_purge_closing:
        case R::abort_purge_last_ack:
        case R::abort_skip_fin_wait2:
        case R::abort_refused_tw_fin_wait2:
        case R::abort_refused_tw_time_wait: return "linux-5.15 profile only: a 6.11+ kernel runs other code here";
        case R::timeout_fin_wait1_oom:
        case R::timeout_closing_oom:
        case R::timeout_last_ack_oom:
            return "one kernel path with rto_*_oom (the orphan limit is checked before the retry budget): runs confirm that row";
        case R::ack_fin_wait1_tw:
        case R::ack_fin_wait1_tw_overflow:
            return "the peer's ACK may be handled inside close() or after it: samples cannot tell which row ran";
        case R::tail_fin_wait2_tw_overflow:
            return "needs FIN_WAIT2 at close(): an ACK inside close() (a race), or shutdown() first "
                   "(shutdown-fin-wait2-overflow)";
        case R::ack_fin_wait1_bad_case:
        case R::keepalive_rst:
            return "needs the ACK while close() owns the socket (the 'bad case'): a race, accepted when it happens";
        case R::tail_after_destroy:
        case R::tail_after_destroy_tw_time_wait:
            return "needs a segment that ends the socket inside close(), after sock_orphan(): a race on loopback";
        case R::tail_closing:
        case R::tail_closing_oom:
        case R::release_closing:
            return "needs CLOSING at close(): the peer's FIN inside close() (a race), or shutdown() first "
                   "(shutdown-closing, shutdown-closing-max-orphans)";
        case R::data_fin_wait2_linger_reset:
            return "needs a segment while close() still waits in FIN_WAIT2; the wait ends as FIN_WAIT2 is reached";
        case R::fin_fin_wait2_linger_tw:
        case R::fin_fin_wait2_linger_tw_overflow:
        case R::rst_fin_wait2_linger:
            return "needs a segment to FIN_WAIT2 before close(): shutdown() first (shutdown-fin-wait2-fin, "
                   "shutdown-fin-wait2-fin-overflow, shutdown-fin-wait2-reset); a lingering close() does not wait there";
        case R::rst_closed_tw:
            return "needs an RST into the TIME_WAIT bucket of a CLOSE socket still held (shut down, or close() "
                   "waiting): a peer that sent its FIN and acked ours sends none on ss -K (tcp_need_reset)";
        case R::closed_tw_expire:
            return "the TIME_WAIT timer runs 60 s before close(): scenario shutdown-time-wait-expiry (--long)";
        case R::data_fin_wait1_shut:
        case R::data_fin_wait2_shut:
            return "data received while shut down leaves the state as it was: a peer that sent nothing explains the "
                   "same samples (shutdown-data and shutdown-data-fin-wait1 show no RST, as the row says)";
        case R::rst_tw_time_wait:
            return "needs an RST at the exact sequence number into TIME_WAIT; the peer that could send it is gone";
        case R::tw_time_wait_expire: return "the TIME_WAIT timer runs 60 s: scenario time-wait-expiry (--long)";
        case R::window_ack_fin_wait1:
        case R::window_ack_closing:
        case R::window_ack_last_ack:
            return "the peer's answer to a probe only resets icsk_probes_out: the state samples do not show it, and a "
                   "later death is explained by late timers as well (the probe count is sampled, not yet compared)";
        case R::close_fin_alloc_failed:
        case R::close_fin_linger_alloc_failed:
        case R::close_wait_fin_alloc_failed:
        case R::close_wait_fin_linger_alloc_failed:
        case R::shutdown_fin_alloc_failed:
        case R::shutdown_close_wait_fin_alloc_failed:
            return "needs tcp_send_fin's skb allocation to fail: fault injection (failslab) is host-wide, not run";
        case R::loss_probe_fin_wait1:
        case R::loss_probe_closing:
        case R::loss_probe_last_ack:
            return "the runs' model folds the loss probe into the first RTO's time: inet_diag does not count it "
                   "(icsk_retransmits), the kill times measured include it (lifetime --loss-probe yes)";
        case R::req_ack_no_listener:
            return "needs the client's last ACK to reach a request socket whose listener left LISTEN: the model's "
                   "request socket has that ACK in flight only at its start and after a SYN-ACK sent again (only while "
                   "the listener listens), so the listener must close between that SYN-ACK and the answer (a race on "
                   "loopback: listen-requests-ack-late could meet it); a client's later data segment, which carries "
                   "the ACK too, is not in the model's request socket";
        case R::syn_timeout_syn_sent:
            return "the model gives up a SYN after tcp_syn_retries retransmissions; 6.18 gives up by time, with its first "
                   "four retransmissions 1 s apart (tcp_syn_linear_timeouts 4): measured 2026-12-07 with "
                   "tcp_syn_retries=1, the SYN sent again at 1 s and 2 s and the socket CLOSE at 3.07 s, one "
                   "retransmission more than the model allows (a disagreement, left for the model)";
        case R::rst_syn_sent:
            return "needs an RST to a connecting socket: the listener closed while the SYN-ACK is dropped, so that "
                   "the SYN sent again finds no listener; the connecting scenarios keep the listener";
        default: return "no scenario here confirmed it";
    }
}

}  // namespace orphancheck::conform
