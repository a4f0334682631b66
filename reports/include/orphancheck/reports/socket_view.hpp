// The per-socket close-path machine as a diagram: one node per TCP state,
// one edge per (source, target) pair, labelled with the names of the MSM
// rows taking it. Guards and actions are in the edges' tooltips (SVG: hover),
// so that the picture stays narrow. Orphan states, timewait buckets and the
// destroyed state are drawn apart.
#pragma once

#include <string>
#include <string_view>

#include "orphancheck/model/tcp_state.hpp"
#include "orphancheck/reports/dot.hpp"

namespace orphancheck::reports {

// show_guards: the edge tooltips give each row's guard beside its event and actions.
// `listener`: also the handshake states: connecting sockets (SYN_SENT), the listener, the children its close()
// forgets and its request sockets (--listener yes, --connecting).
[[nodiscard]] DotGraph socket_view(bool show_guards = true, bool listener = false);

// A row's name without the source state it repeats, for a label on an edge leaving that state:
// "rto_fin_wait1" from FIN_WAIT1 is "rto", "ack_fin_wait1_tw" is "ack_tw"; a name that does not
// spell the state after an underscore ("close_wait_fin" from CLOSE_WAIT) is kept whole.
[[nodiscard]] std::string short_row_name(std::string_view row, model::TcpState source);

}  // namespace orphancheck::reports
