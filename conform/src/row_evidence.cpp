#include "orphancheck/conform/row_evidence.hpp"

namespace orphancheck::conform {
std::vector<std::string_view> row_counters(model::RowId row) {
    using R = model::RowId;
    const std::string_view n = model::row_name(row);
    if (n.ends_with("_oom")) return {"TCPAbortOnMemory"};            // tcp_check_oom / tcp_out_of_resources
    if (n.starts_with("timeout_")) return {"TCPAbortOnTimeout"};     // tcp_write_err
    if (n.starts_with("probe_") && n.ends_with("_timeout")) return {"TCPAbortOnTimeout"};  // tcp_probe_timer: tcp_write_err
    if (n.starts_with("probe_")) return {"TCPWinProbe"};             // tcp_send_probe0 -> tcp_xmit_probe_skb
    // A FIN retransmission: an RTO expiry, or a tail-loss probe (the model has no separate probe).
    if (n.starts_with("rto_")) return {"TCPTimeouts", "TCPLossProbes"};
    if (n.ends_with("_tw_overflow")) return {"TCPTimeWaitOverflow"};  // tcp_time_wait found no bucket
    // A timewait bucket scheduled (TWKilled: for 4 s or less); counted when armed, not when it expires.
    switch (row) {
        case R::tail_fin_wait2_tw:
        case R::ack_fin_wait1_tw:
        case R::ack_closing_tw:
        case R::ack_closing_linger_tw:
        case R::fin_fin_wait2_tw:
        case R::fin_fin_wait2_linger_tw:
        case R::keepalive_tw: return {"TW", "TWKilled"};
        case R::close_unread_rst:
        case R::close_wait_unread_rst:
        case R::close_shut_unread_rst_fin_wait1:
        case R::close_shut_unread_rst_fin_wait2:
        case R::close_shut_unread_rst_closing:
        case R::close_shut_unread_rst_last_ack: return {"TCPAbortOnClose"};
        // SO_LINGER 0 after shutdown(): __tcp_close counts the disconnect whether tcp_disconnect resets or not.
        case R::close_shut_linger0_rst_fin_wait1:
        case R::close_shut_linger0_rst_fin_wait2:
        case R::close_shut_linger0_closing:
        case R::close_shut_linger0_rst_closing:
        case R::close_shut_linger0_last_ack:
        case R::close_shut_linger0_rst_last_ack:
        case R::close_linger0_rst:
        case R::close_wait_linger0_rst:
        case R::ack_fin_wait1_linger2_rst:
        case R::data_fin_wait1_reset:
        case R::data_fin_wait1_linger_reset:
        case R::data_fin_wait2_reset:
        case R::data_fin_wait2_linger_reset: return {"TCPAbortOnData"};
        case R::tail_fin_wait2_linger2_rst: return {"TCPAbortOnLinger"};
        default: return {};
    }
}

std::vector<model::RowId> rows_ruled_out(const std::map<std::string, long long>& moved) {
    std::vector<model::RowId> out;
    for (int i = 0; i < model::kRows; ++i) {
        const auto counters = row_counters(model::RowId(i));
        bool still = !counters.empty();
        for (std::string_view c : counters) {
            const auto it = moved.find(std::string(c));
            still = still && (it == moved.end() || it->second == 0);
        }
        if (still) out.push_back(model::RowId(i));
    }
    return out;
}

}  // namespace orphancheck::conform
