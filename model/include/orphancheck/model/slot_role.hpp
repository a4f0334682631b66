// What a socket of a run stands for, and the configuration it starts in. Without a listener every socket is
// an ordinary connection, open when the run starts; with one (--listener yes) the run also holds the listener,
// the children in its accept queue that no accept() took yet, and request sockets waiting for the last ACK of
// their handshake.
#pragma once

#include <cstdint>
#include <string_view>

#include "orphancheck/model/local.hpp"

namespace orphancheck::model {

enum class SlotRole : std::uint8_t {
    socket,    // an open connection the application holds (ESTABLISHED, or accepted before the listener closed)
    listener,  // the listening socket (LISTEN)
    child,     // an ESTABLISHED child in the accept queue, never accepted
    request,   // a request socket (NEW_SYN_RECV): our SYN-ACK is out, the client's final ACK on its way
    connecting,  // connect() in progress (SYN_SENT): our SYN is out, the server's SYN-ACK on its way
};
inline constexpr int kSlotRoles = 5;
// Every role but the open connection (whose first configuration is a table's local 0): what a table extracted for
// any run holds.
inline constexpr SlotRole kOtherRoles[] = {SlotRole::listener, SlotRole::child, SlotRole::request, SlotRole::connecting};

[[nodiscard]] LocalKey initial_local(SlotRole r);
[[nodiscard]] std::string_view role_name(SlotRole r);  // "socket", "listener", "child", "request"

}  // namespace orphancheck::model
