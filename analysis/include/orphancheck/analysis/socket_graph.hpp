// One socket's configurations under a case and every move between them, under
// every guard input a run of `sockets` sockets can produce: the graph the
// timed reading (lifetime) and the live-kernel trace check walk.
#pragma once

#include <span>
#include <vector>

#include "orphancheck/checker/socket_space.hpp"

namespace orphancheck::analysis {

struct SocketEdge {
    checker::Combo to;
    checker::Label label;
    model::RowId row1 = model::RowId::none, row2 = model::RowId::none;
};

struct SocketGraph {
    std::vector<properties::SocketView> views;  // by configuration; 0 is the initial one
    std::vector<model::LocalKey> locals;
    std::vector<std::vector<SocketEdge>> out;
};

// `never`: network events ruled out (an experiment's drops); `ruled_out`: rows that did not run.
[[nodiscard]] SocketGraph socket_graph(const checker::CaseConfig& c, int sockets,
                                       std::span<const checker::EnvEvent> never = {},
                                       std::span<const model::RowId> ruled_out = {},
                                       const model::TablePatch& patch = {});

}  // namespace orphancheck::analysis
