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
    } else if (model::is_handshake_state(s)) {
        a["label"] += s == TcpState::listen        ? "\nlistener"
                      : s == TcpState::listen_stop ? "\nlistener's close()"
                      : s == TcpState::syn_sent    ? "\nconnect() in progress"
                                                   : "\nrequest socket";
        a["shape"] = "box";
        a["style"] = "filled,rounded";
        a["fillcolor"] = "#e5dbff";
    } else {
        a["fillcolor"] = "#d3f9d8";
    }
    a["tooltip"] = a["label"];
    return a;
}

// How row names spell a state ("rto_fin_wait1", "rst_tw_time_wait"): the enumerator of TcpState.
std::string_view row_token(TcpState s) {
    switch (s) {
        case TcpState::established: return "established";
        case TcpState::close_wait: return "close_wait";
        case TcpState::fin_wait1: return "fin_wait1";
        case TcpState::fin_wait2: return "fin_wait2";
        case TcpState::closing: return "closing";
        case TcpState::last_ack: return "last_ack";
        case TcpState::closed: return "closed";
        case TcpState::closed_tw: return "closed_tw";
        case TcpState::tw_fin_wait2: return "tw_fin_wait2";
        case TcpState::tw_time_wait: return "tw_time_wait";
        case TcpState::destroyed: return "destroyed";
        case TcpState::syn_sent: return "syn_sent";
        case TcpState::listen: return "listen";
        case TcpState::listen_stop: return "listen_stop";
        case TcpState::new_syn_recv: return "new_syn_recv";
    }
    return {};
}
}  // namespace

std::string short_row_name(std::string_view row, TcpState source) {
    const std::string token = fmt::format("_{}", row_token(source));
    for (auto pos = row.find(token); pos != std::string_view::npos; pos = row.find(token, pos + 1)) {
        const auto end = pos + token.size();
        if (end != row.size() && row[end] != '_') continue;  // "_fin_wait1x" does not name FIN_WAIT1
        return std::string(row.substr(0, pos)) + std::string(row.substr(end));
    }
    return std::string(row);
}

namespace {
bool listener_row(const model::RowDescription& d) {
    return model::is_handshake_state(d.source) || model::is_handshake_state(d.target) || model::is_listener_event(d.event);
}
}  // namespace

DotGraph socket_view(bool show_guards, bool listener) {
    DotGraph g;
    g.name = "close_path";
    g.graph_attrs = {{"rankdir", "TB"},
                     {"nodesep", "0.15"},
                     {"fontname", "Helvetica"},
                     {"fontsize", "12"},
                     {"label", "Linux TCP close path of one socket. Edges: the rows taking them, named without the source "
                               "state; red sends a RST, bold destroys the socket.\nHover an edge (SVG) for its rows' "
                               "full names, events, " + std::string(show_guards ? "guards " : "") + "and actions." +
                               (listener ? "\nWith the handshake states (purple): connect() in progress, a listener's "
                                           "close(), the children inet_csk_listen_stop forgets and its request sockets."
                                         : "")}};
    g.node_defaults = {{"shape", "ellipse"}, {"fontname", "Helvetica"}, {"fontsize", "11"}};
    g.edge_defaults = {{"fontname", "Helvetica"}, {"fontsize", "9"}};
    for (int s = 0; s < model::kTcpStates; ++s)  // the listener's states are the last ones
        if (listener || !model::is_handshake_state(TcpState(s))) g.nodes.push_back(node_for(TcpState(s)));
    // The two ends on the bottom rank: edges into them stop crossing the middle of the picture.
    g.same_rank.push_back({std::size_t(TcpState::closed), std::size_t(TcpState::destroyed)});
    // One edge per (source, target): its label names the rows taking it, one per line; the tooltip spells them out.
    std::map<std::pair<TcpState, TcpState>, std::vector<const model::RowDescription*>> groups;
    for (const model::RowDescription& d : model::describe_table())
        if (listener || !listener_row(d)) groups[{d.source, d.target}].push_back(&d);
    for (const auto& [ends, rows] : groups) {
        std::string label, tooltip;
        bool rst = false, destroy = false;
        for (const model::RowDescription* d : rows) {
            const std::string_view name = model::row_name(d->row);
            label += (label.empty() ? "" : "\n") + short_row_name(name, d->source);
            tooltip += fmt::format("{}{}: {}", tooltip.empty() ? "" : "\n", name, model::kind_label(d->event));
            if (show_guards && !d->guard.empty()) tooltip += " [" + d->guard + "]";
            if (!d->actions.empty()) tooltip += " / " + d->actions;
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
