#include "orphancheck/conform/observation.hpp"

namespace orphancheck::conform {

std::string Observation::name() const {
    switch (kind) {
        case Kind::gone: return "gone";
        case Kind::bucket: return kernel_state_name(state) + " bucket";
        case Kind::socket: return kernel_state_name(state) + (orphan ? " orphan" : "");
    }
    return "?";
}

Observation observe(const DiagSocket* s) {
    if (s == nullptr) return {};
    if (s->timewait_bucket()) return {Observation::Kind::bucket, s->state, false};
    return {Observation::Kind::socket, s->state, s->inode == 0};
}

Observation observe(const properties::SocketView& v) {
    using model::TcpState;
    const auto full = [&](KernelTcpState k) { return Observation{Observation::Kind::socket, k, v.dead}; };
    const auto bucket = [](KernelTcpState k) { return Observation{Observation::Kind::bucket, k, false}; };
    switch (v.state) {
        case TcpState::established: return full(kEstablished);
        case TcpState::close_wait: return full(kCloseWait);
        case TcpState::fin_wait1: return full(kFinWait1);
        case TcpState::fin_wait2: return full(kFinWait2);
        case TcpState::closing: return full(kClosing);
        case TcpState::last_ack: return full(kLastAck);
        case TcpState::closed_tw:  // the CLOSE full socket is unhashed; its bucket is listed
        case TcpState::tw_time_wait: return bucket(kTimeWait);
        case TcpState::tw_fin_wait2: return bucket(kFinWait2);
        case TcpState::syn_sent: return full(kSynSent);
        case TcpState::listen: return full(kListen);
        // inet_diag reports a request socket as SYN_RECV (inet_req_diag_fill), never as NEW_SYN_RECV.
        case TcpState::new_syn_recv: return full(kSynRecv);
        // CLOSE and being unhashed from the start of close(): a dump racing with it may still list it as CLOSE
        // (seen once in listen-close-queued-fin, 0.13 s into the run), or no more.
        case TcpState::listen_stop: return full(kClose);
        case TcpState::closed:
        case TcpState::destroyed: return {};
    }
    return {};
}

}  // namespace orphancheck::conform
