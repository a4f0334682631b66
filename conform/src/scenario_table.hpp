// The scenario table's building blocks, shared by the files that fill it:
// the peer behaviours the model is given, and the groups of scenarios.
#pragma once

#include <vector>

#include "orphancheck/conform/scenario.hpp"

namespace orphancheck::conform::table {

// Peer behaviours the model is given.
inline constexpr checker::PeerConfig kSilent{false, false, false, true, false};        // segments may be lost, peer passive
inline constexpr checker::PeerConfig kAcks{false, false, false, false, false};         // delivers, never closes
inline constexpr checker::PeerConfig kCloses{true, false, false, false, false};        // delivers, closes
inline constexpr checker::PeerConfig kClosesLossy{true, false, false, true, false};    // closes, segments may be lost
inline constexpr checker::PeerConfig kData{false, false, true, false, false};           // sends data after our close (or shutdown)
inline constexpr checker::PeerConfig kResetsLossy{false, true, false, true, false};    // aborts, segments may be lost
inline constexpr checker::PeerConfig kClosesResets{true, true, false, true, false};    // closes then aborts
inline constexpr checker::PeerConfig kAbortLossy{false, false, false, true, true};     // ss -K on our sockets
inline constexpr checker::PeerConfig kAbortAcks{false, false, false, false, true};
inline constexpr checker::PeerConfig kAbortCloses{true, false, false, false, true};
inline constexpr checker::PeerConfig kAbortClosesLossy{true, false, false, true, true};
inline constexpr checker::PeerConfig kDataLossy{false, false, true, true, false};      // data after our close, lossy
inline constexpr checker::PeerConfig kResets{false, true, false, false, false};         // aborts
inline constexpr checker::PeerConfig kClosesThenResets{true, true, false, false, false};
inline constexpr checker::PeerConfig kClosesData{true, false, true, false, false};      // data, then its FIN
inline constexpr checker::PeerConfig kClosesDataLossy{true, false, true, true, false};

// shutdown(SHUT_WR) before close() (shutdown_scenarios.cpp).
void add_shutdown_scenarios(std::vector<Scenario>& s);
// Our socket is the listener: close() with connections no accept() took (listener_scenarios.cpp).
void add_listener_scenarios(std::vector<Scenario>& s);
// Our sockets are connecting: close(), the SYN timer and a late SYN-ACK in SYN_SENT (connect_scenarios.cpp).
void add_connect_scenarios(std::vector<Scenario>& s);

}  // namespace orphancheck::conform::table
