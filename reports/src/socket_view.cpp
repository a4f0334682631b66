#include "orphancheck/reports/socket_view.hpp"

#include <map>
#include <vector>

#include <fmt/format.h>

#include "orphancheck/model/close_path.hpp"

namespace orphancheck::reports {
namespace {
using model::TcpState;

DotAttrs node_for(TcpState s) {
    DotAttrs a{{"label", std::string(model::state_name(s))}, {"style", "filled"}};
    if (model::is_orphan_state(s)) {
        a["label"] += "\norphan after close()";
        a["fillcolor"] = "#ffd8a8";
        a["penwidth"] = "2";
    } else if (model::holds_tw_bucket(s)) {
        a["label"] += s == TcpState::closed_tw ? "\nfull socket + bucket" : "\ntimewait bucket, not an orphan";
        a["shape"] = "box";
        a["fillcolor"] = "#d0ebff";
    } else if (s == TcpState::destroyed) {
        a["label"] += "\ninet_csk_destroy_sock done";
        a["shape"] = "doubleoctagon";
        a["fillcolor"] = "#dee2e6";
    } else if (s == TcpState::closed) {
        a["fillcolor"] = "#f1f3f5";
    } else {
        a["fillcolor"] = "#d3f9d8";
    }
    return a;
}
}  // namespace

DotGraph socket_view(bool show_guards) {
    DotGraph g;
    g.name = "close_path";
    g.graph_attrs = {{"rankdir", "TB"}, {"label", "Linux TCP close path of one socket (orphancheck rows)"},
                     {"fontname", "Helvetica"}};
    g.node_defaults = {{"shape", "ellipse"}, {"fontname", "Helvetica"}};
    g.edge_defaults = {{"fontname", "Helvetica"}, {"fontsize", "9"}};
    for (int s = 0; s < model::kTcpStates; ++s) g.nodes.push_back(node_for(TcpState(s)));
    // One edge per (source, target): its label lists the rows taking it, one per line.
    std::map<std::pair<TcpState, TcpState>, std::vector<const model::RowDescription*>> groups;
    for (const model::RowDescription& d : model::describe_table()) groups[{d.source, d.target}].push_back(&d);
    for (const auto& [ends, rows] : groups) {
        std::string label, tooltip;
        bool rst = false, destroy = false;
        for (const model::RowDescription* d : rows) {
            if (!label.empty()) label += "\n";
            label += model::kind_label(d->event);
            if (show_guards && !d->guard.empty()) label += " [" + d->guard + "]";
            if (!d->actions.empty()) label += " / " + d->actions;
            tooltip += std::string(tooltip.empty() ? "" : " ") + std::string(model::row_name(d->row));
            rst = rst || d->actions.find("send_active_reset") != std::string::npos;
            destroy = destroy || d->actions.find("inet_csk_destroy_sock") != std::string::npos;
        }
        DotAttrs a{{"label", label}, {"tooltip", tooltip}};
        if (rst) a["color"] = "#c92a2a";
        if (destroy) a["penwidth"] = "2";
        g.edges.push_back({std::size_t(ends.first), std::size_t(ends.second), a});
    }
    return g;
}

}  // namespace orphancheck::reports
