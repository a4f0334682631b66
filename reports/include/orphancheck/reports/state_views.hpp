// Views of the explored global graph: the full graph (small configurations
// only), the quotient by per-socket states and orphan count, and a
// counterexample with its one-step neighbourhood. Each is a GraphSink that
// turns what the explorer hands out into a DotGraph.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "orphancheck/checker/graph_sink.hpp"
#include "orphancheck/reports/dot.hpp"

namespace orphancheck::reports {

enum class Colour { orphans, property };

struct ViewOptions {
    Colour colour = Colour::orphans;
    bool rank_by_depth = false;
};

// Whole graph; the caller limits its size before exploring.
class FullView : public checker::GraphSink {
public:
    explicit FullView(ViewOptions o) : opt_(o) {}
    void state(const checker::GraphState& s) override;
    void edge(const checker::GraphEdge& e) override;
    [[nodiscard]] DotGraph graph() const;
    // Nodes with their decoded state, edges with their event (for other tools).
    [[nodiscard]] nlohmann::json json() const;

private:
    ViewOptions opt_;
    std::vector<checker::GraphState> states_;
    std::vector<checker::GraphEdge> edges_;
};

// States merged by the multiset of socket states plus the orphan counter;
// edge labels count the merged transitions. Node labels put one socket
// state per line, so that the wide ranks of many sockets stay narrow.
class QuotientView : public checker::GraphSink {
public:
    explicit QuotientView(ViewOptions o) : opt_(o) {}
    void state(const checker::GraphState& s) override;
    void edge(const checker::GraphEdge& e) override;
    [[nodiscard]] DotGraph graph() const;

private:
    struct Node {
        std::string label;
        std::uint32_t depth = 0;
        std::uint64_t members = 0;
        int orphans = 0;
        bool violated = false;
        bool finished = false;  // every socket destroyed
    };
    ViewOptions opt_;
    std::map<std::string, std::size_t> index_;
    std::vector<Node> nodes_;
    std::vector<std::size_t> class_of_;  // per explored state
    std::map<std::pair<std::size_t, std::size_t>, std::uint64_t> weights_;
};

// The states of a counterexample path, highlighted, with every state one
// step away from them.
class CounterexampleView : public checker::GraphSink {
public:
    CounterexampleView(ViewOptions o, std::vector<std::uint32_t> path, int cycle_start);
    void state(const checker::GraphState& s) override;
    void edge(const checker::GraphEdge& e) override;
    [[nodiscard]] DotGraph graph() const;
    [[nodiscard]] const std::vector<std::uint32_t>* focus() const override { return &path_; }

private:
    ViewOptions opt_;
    std::vector<std::uint32_t> path_;
    int cycle_start_;
    std::set<std::uint32_t> on_path_;
    std::map<std::uint32_t, checker::GraphState> kept_;
    std::vector<checker::GraphEdge> edges_;
};

}  // namespace orphancheck::reports
