#include "orphancheck/model/slot_role.hpp"

namespace orphancheck::model {

LocalKey initial_local(SlotRole r) {
    LocalKey k;
    switch (r) {
        case SlotRole::socket: break;
        case SlotRole::listener: k.state = TcpState::listen; break;
        case SlotRole::child: k.data.queued = true; break;
        case SlotRole::request: k.state = TcpState::new_syn_recv; break;
        case SlotRole::connecting: k.state = TcpState::syn_sent; break;
    }
    return k;
}

std::string_view role_name(SlotRole r) {
    switch (r) {
        case SlotRole::socket: return "socket";
        case SlotRole::listener: return "listener";
        case SlotRole::child: return "child";
        case SlotRole::request: return "request";
        case SlotRole::connecting: return "connecting";
    }
    return "?";
}

}  // namespace orphancheck::model
