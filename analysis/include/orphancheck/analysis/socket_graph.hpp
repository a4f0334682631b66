// One socket's configurations under a case and every move between them, under
// every guard input a run of `sockets` sockets can produce: the graph the
// timed reading (lifetime) and the live-kernel trace check walk.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "orphancheck/checker/socket_space.hpp"

namespace orphancheck::analysis {

struct SocketEdge {
    checker::Combo to;
    checker::Label label;
    model::RowId row1 = model::RowId::none, row2 = model::RowId::none;
    // The listener phases (bit p: checker::ListenerPhase p) under which the move exists; a run without a
    // listener is always `listening`.
    std::uint8_t phases = 1;
    // Only once the run's listener has left LISTEN (its close() began): the move needs another phase.
    [[nodiscard]] bool needs_listener_closed() const { return (phases & 1) == 0; }
};

struct SocketGraph {
    std::vector<properties::SocketView> views;  // by configuration; 0 is an open connection's initial one
    std::vector<model::LocalKey> locals;
    std::vector<std::vector<SocketEdge>> out;
    // The first configuration of a socket of each role (model::SlotRole); every role the graph was built
    // for is there, the others stand at 0.
    std::array<checker::Combo, model::kSlotRoles> initial{};
};

// `never`: network events ruled out (an experiment's drops); `ruled_out`: rows that did not run.
// `roles`: the roles of the run's sockets (empty: every socket an open connection); `sockets` counts them all.
[[nodiscard]] SocketGraph socket_graph(const checker::CaseConfig& c, int sockets,
                                       std::span<const checker::EnvEvent> never = {},
                                       std::span<const model::RowId> ruled_out = {},
                                       const model::TablePatch& patch = {},
                                       std::span<const model::SlotRole> roles = {});

}  // namespace orphancheck::analysis
