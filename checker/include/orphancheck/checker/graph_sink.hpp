// The explored global graph, handed out state by state and edge by edge
// after a complete breadth-first search (for graph export and views).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "orphancheck/model/local.hpp"

namespace orphancheck::checker {

struct GraphState {
    std::uint32_t index = 0;  // BFS order; 0.. are the initial states
    std::uint32_t depth = 0;  // BFS level
    int config = 0;           // index into ExploreSpec::cases
    int orphans = 0;          // tcp_orphan_count
    int orphan_cache = 0;     // tcp_orphan_cache
    std::vector<model::LocalKey> sockets;
    std::vector<std::uint16_t> networks;  // per socket: in-flight segments and peer (env bits)
};

struct GraphEdge {
    std::uint32_t from = 0, to = 0;
    int socket = -1;  // -1: orphan cache refresh
    std::string event;
    std::string rows;
};

class GraphSink {
public:
    virtual ~GraphSink() = default;
    virtual void state(const GraphState& s) = 0;
    virtual void edge(const GraphEdge& e) = 0;
    // When set: only these states, their successors and the edges leaving them
    // are handed out (indices from an earlier, identical exploration).
    [[nodiscard]] virtual const std::vector<std::uint32_t>* focus() const { return nullptr; }
};

}  // namespace orphancheck::checker
