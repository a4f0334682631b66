#include "orphancheck/model/tcp_state.hpp"

namespace orphancheck::model {

std::string_view state_name(TcpState s) {
    switch (s) {
        case TcpState::established: return "ESTABLISHED";
        case TcpState::close_wait: return "CLOSE_WAIT";
        case TcpState::fin_wait1: return "FIN_WAIT1";
        case TcpState::fin_wait2: return "FIN_WAIT2";
        case TcpState::closing: return "CLOSING";
        case TcpState::last_ack: return "LAST_ACK";
        case TcpState::closed: return "CLOSE";
        case TcpState::closed_tw: return "CLOSE+TW(TIME_WAIT)";
        case TcpState::tw_fin_wait2: return "TW(FIN_WAIT2)";
        case TcpState::tw_time_wait: return "TW(TIME_WAIT)";
        case TcpState::destroyed: return "DESTROYED";
        case TcpState::syn_sent: return "SYN_SENT";
        case TcpState::listen: return "LISTEN";
        case TcpState::listen_stop: return "CLOSE(listen_stop)";
        case TcpState::new_syn_recv: return "NEW_SYN_RECV";
    }
    return "?";
}

bool holds_tw_bucket(TcpState s) {
    return s == TcpState::closed_tw || s == TcpState::tw_fin_wait2 || s == TcpState::tw_time_wait;
}

bool is_orphan_state(TcpState s) {
    return s == TcpState::fin_wait1 || s == TcpState::fin_wait2 || s == TcpState::closing || s == TcpState::last_ack;
}

}  // namespace orphancheck::model
