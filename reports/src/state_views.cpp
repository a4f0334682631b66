#include "orphancheck/reports/state_views.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "orphancheck/checker/env.hpp"
#include "orphancheck/properties/property.hpp"

namespace orphancheck::reports {
namespace {
using checker::GraphEdge;
using checker::GraphState;

// The invariants of properties/ evaluated on a handed-out state.
bool violates_invariant(const GraphState& s) {
    std::vector<properties::SocketView> views;
    for (std::size_t i = 0; i < s.sockets.size(); ++i) views.push_back(checker::socket_view(s.sockets[i], s.networks[i]));
    std::vector<const properties::SocketView*> ptrs;
    for (const auto& v : views) ptrs.push_back(&v);
    return properties::violated_invariants({s.orphans, ptrs}, ~properties::PropertyMask(0)) != 0;
}

std::string fill_for(int orphans, bool violated, bool finished, Colour c) {
    if (c == Colour::property) return violated ? "#ffa8a8" : finished ? "#dee2e6" : "#ffffff";
    static const char* kScale[] = {"#ffffff", "#fff3bf", "#ffd8a8", "#ffa94d", "#f76707"};
    return orphans < 0 ? "#ff6b6b" : kScale[std::min(orphans, 4)];
}

bool all_destroyed(const GraphState& s) {
    for (const auto& k : s.sockets)
        if (k.state != model::TcpState::destroyed) return false;
    return true;
}

std::string state_label(const GraphState& s) {
    std::string l;
    for (std::size_t i = 0; i < s.sockets.size(); ++i) {
        l += fmt::format("s{} {}", i, model::describe(s.sockets[i]));
        const std::string net = checker::describe_env(s.networks[i]);
        if (!net.empty()) l += "\n  " + net;  // on a line of its own: the nodes stay narrow
        l += "\n";
    }
    return l + fmt::format("orphans={} cache={}", s.orphans, s.orphan_cache);
}

std::string edge_label(const GraphEdge& e) {
    const std::string who = e.socket < 0 ? std::string() : fmt::format("s{}: ", e.socket);
    return who + e.event + (e.rows.empty() ? "" : "\n(" + e.rows + ")");
}

DotGraph base(const char* name) {
    DotGraph g;
    g.name = name;
    g.graph_attrs = {{"rankdir", "TB"}, {"nodesep", "0.15"}, {"fontname", "Helvetica"}};
    g.node_defaults = {{"shape", "box"}, {"style", "filled,rounded"}, {"fontname", "Helvetica"}, {"fontsize", "10"}};
    g.edge_defaults = {{"fontname", "Helvetica"}, {"fontsize", "8"}};
    return g;
}

void add_ranks(DotGraph& g, const std::vector<std::uint32_t>& depth_of_node) {
    std::map<std::uint32_t, std::vector<std::size_t>> by_depth;
    for (std::size_t i = 0; i < depth_of_node.size(); ++i) by_depth[depth_of_node[i]].push_back(i);
    for (auto& [d, v] : by_depth) g.same_rank.push_back(v);
}
}  // namespace

void FullView::state(const GraphState& s) { states_.push_back(s); }
void FullView::edge(const GraphEdge& e) { edges_.push_back(e); }

DotGraph FullView::graph() const {
    DotGraph g = base("full");
    std::vector<std::uint32_t> depths;
    for (const auto& s : states_) {
        g.nodes.push_back({{"label", state_label(s)},
                           {"fillcolor", fill_for(s.orphans, violates_invariant(s), all_destroyed(s), opt_.colour)},
                           {"tooltip", fmt::format("state {} depth {}", s.index, s.depth)}});
        depths.push_back(s.depth);
    }
    for (const auto& e : edges_) g.edges.push_back({e.from, e.to, {{"label", edge_label(e)}}});
    if (opt_.rank_by_depth) add_ranks(g, depths);
    return g;
}

nlohmann::json FullView::json() const {
    nlohmann::json nodes = nlohmann::json::array(), edges = nlohmann::json::array();
    for (const auto& s : states_) {
        nlohmann::json socks = nlohmann::json::array();
        for (std::size_t i = 0; i < s.sockets.size(); ++i)
            socks.push_back({{"state", model::state_name(s.sockets[i].state)},
                             {"detail", model::describe(s.sockets[i])},
                             {"network", checker::describe_env(s.networks[i])}});
        nodes.push_back({{"id", s.index}, {"depth", s.depth}, {"config", s.config}, {"orphans", s.orphans},
                         {"orphan_cache", s.orphan_cache}, {"sockets", socks}});
    }
    for (const auto& e : edges_)
        edges.push_back({{"from", e.from}, {"to", e.to}, {"socket", e.socket}, {"event", e.event}, {"rows", e.rows}});
    return {{"nodes", nodes}, {"edges", edges}};
}

void QuotientView::state(const GraphState& s) {
    std::vector<std::string> parts;
    for (const auto& k : s.sockets) parts.emplace_back(model::state_name(k.state));
    std::sort(parts.begin(), parts.end());
    // One line per socket state ("2x FIN_WAIT1"), then the counter: tall narrow nodes, for wide ranks.
    std::string label;
    for (std::size_t i = 0; i < parts.size();) {
        std::size_t j = i;
        while (j < parts.size() && parts[j] == parts[i]) ++j;
        label += (j - i > 1 ? fmt::format("{}x ", j - i) : std::string()) + parts[i] + "\n";
        i = j;
    }
    label += fmt::format("orphans={}", s.orphans);
    const auto [it, fresh] = index_.try_emplace(label, nodes_.size());
    if (fresh) nodes_.push_back({label, s.depth, 0, s.orphans, false, all_destroyed(s)});
    Node& n = nodes_[it->second];
    n.members += 1;
    n.depth = std::min(n.depth, s.depth);
    n.violated = n.violated || violates_invariant(s);
    if (class_of_.size() <= s.index) class_of_.resize(s.index + 1);
    class_of_[s.index] = it->second;
}

void QuotientView::edge(const GraphEdge& e) {
    const std::size_t a = class_of_.at(e.from), b = class_of_.at(e.to);
    if (a != b) ++weights_[{a, b}];
}

DotGraph QuotientView::graph() const {
    DotGraph g = base("quotient");
    std::vector<std::uint32_t> depths;
    for (const Node& n : nodes_) {
        g.nodes.push_back({{"label", n.label + fmt::format(", {} states", n.members)},
                           {"fillcolor", fill_for(n.orphans, n.violated, n.finished, opt_.colour)}});
        depths.push_back(n.depth);
    }
    for (const auto& [ends, w] : weights_) {
        const double width = 1.0 + std::log10(double(w));
        g.edges.push_back({ends.first, ends.second,
                           {{"label", fmt::format("{}", w)},
                            {"tooltip", fmt::format("{} transition{}", w, w == 1 ? "" : "s")},
                            {"penwidth", fmt::format("{:.1f}", width)}}});
    }
    if (opt_.rank_by_depth) add_ranks(g, depths);
    return g;
}

CounterexampleView::CounterexampleView(ViewOptions o, std::vector<std::uint32_t> path, int cycle_start)
    : opt_(o), path_(std::move(path)), cycle_start_(cycle_start), on_path_(path_.begin(), path_.end()) {}

void CounterexampleView::state(const GraphState& s) { kept_.emplace(s.index, s); }

void CounterexampleView::edge(const GraphEdge& e) {
    if (on_path_.count(e.from)) edges_.push_back(e);
}

DotGraph CounterexampleView::graph() const {
    DotGraph g = base("counterexample");
    std::set<std::uint32_t> shown(on_path_);
    for (const auto& e : edges_) shown.insert(e.to);
    std::map<std::uint32_t, std::size_t> node_of;
    std::vector<std::uint32_t> depths;
    for (std::uint32_t idx : shown) {
        const GraphState& s = kept_.at(idx);
        DotAttrs a{{"label", state_label(s)},
                   {"fillcolor", fill_for(s.orphans, violates_invariant(s), all_destroyed(s), opt_.colour)}};
        if (on_path_.count(idx)) {
            a["penwidth"] = "3";
            a["color"] = "#c92a2a";
        } else {
            a["fontcolor"] = "#868e96";
            a["color"] = "#ced4da";
        }
        node_of[idx] = g.nodes.size();
        g.nodes.push_back(a);
        depths.push_back(s.depth);
    }
    std::set<std::pair<std::uint32_t, std::uint32_t>> path_edges;
    for (std::size_t i = 1; i < path_.size(); ++i) path_edges.insert({path_[i - 1], path_[i]});
    for (const auto& e : edges_) {
        const bool on = path_edges.count({e.from, e.to}) > 0;
        DotAttrs a{{"label", on ? edge_label(e) : e.event}};
        if (on) {
            a["color"] = "#c92a2a";
            a["penwidth"] = "3";
        } else {
            a["color"] = "#ced4da";
            a["fontcolor"] = "#adb5bd";
        }
        g.edges.push_back({node_of.at(e.from), node_of.at(e.to), a});
    }
    if (cycle_start_ >= 0) g.graph_attrs["label"] = "lasso: the red path ends in a cycle that repeats forever";
    if (opt_.rank_by_depth) add_ranks(g, depths);
    return g;
}

}  // namespace orphancheck::reports
