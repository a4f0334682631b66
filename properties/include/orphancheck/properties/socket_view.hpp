// What the properties may know about one socket in a global state: its
// kernel state plus the ghost variables the explorer keeps for it.
#pragma once

#include <cstdint>

#include "orphancheck/model/tcp_state.hpp"

namespace orphancheck::properties {

struct SocketView {
    model::TcpState state = model::TcpState::established;
    bool dead = false;       // SOCK_DEAD
    bool tail = false;       // inside __tcp_close between sock_orphan and the increment
    std::uint8_t incs = 0;   // ghost: orphan increments applied for this socket (saturates at 3)
    std::uint8_t decs = 0;   // ghost: orphan decrements applied for this socket (saturates at 3)
    bool destroyed = false;  // ghost: inet_csk_destroy_sock ran
    bool in_queue = false;   // a child on its listener's accept queue, or one inet_child_forget has not freed yet
    bool forced = false;     // a child inet_child_forget counted and has not freed yet

    // In the orphan count as the kernel intends it: counted and not yet destroyed.
    [[nodiscard]] bool counted() const { return incs > 0 && !destroyed; }
    // Between sock_orphan and the increment the counter may legitimately lag.
    [[nodiscard]] bool quiescent() const { return !(dead && tail); }
    // A listener in LISTEN or inside inet_csk_listen_stop (what keeps queued children legitimate).
    [[nodiscard]] bool listener() const {
        return state == model::TcpState::listen || state == model::TcpState::listen_stop;
    }
    // Gone for good: full socket destroyed, no timewait bucket, close() finished.
    [[nodiscard]] bool finished() const { return state == model::TcpState::destroyed && destroyed && !tail; }
};

}  // namespace orphancheck::properties
