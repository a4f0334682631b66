// What a sample shows of one socket, and what the model predicts it shows:
// the kernel state of a listed full socket and whether it still has an owner
// (an inode), the substate of a timewait bucket, or nothing (a CLOSE socket
// is unhashed and no longer listed, a destroyed one is gone).
#pragma once

#include <compare>
#include <cstdint>
#include <string>

#include "orphancheck/conform/inet_diag.hpp"
#include "orphancheck/properties/socket_view.hpp"

namespace orphancheck::conform {

struct Observation {
    enum class Kind : std::uint8_t { gone, socket, bucket };
    Kind kind = Kind::gone;
    std::uint8_t state = 0;  // KernelTcpState (socket, bucket)
    bool orphan = false;     // socket without an owner
    auto operator<=>(const Observation&) const = default;
    [[nodiscard]] std::string name() const;  // "FIN_WAIT1 orphan", "TIME_WAIT bucket", "gone"
};

[[nodiscard]] Observation observe(const DiagSocket* listed);  // nullptr: not listed
[[nodiscard]] Observation observe(const properties::SocketView& model_socket);

}  // namespace orphancheck::conform
