// One self-contained HTML file per check (no network, no script):
// configuration, verdict table, statistics, the socket-view diagram, and
// every counterexample as a step table above its highlighted graph. Graphs
// are scaled to the page width and zoom to full size on a click.
#pragma once

#include <map>
#include <ostream>
#include <string>

#include "orphancheck/checker/result.hpp"
#include "orphancheck/checker/spec.hpp"

namespace orphancheck::reports {

struct HtmlFigures {
    std::string socket_view_svg;                                  // empty: Graphviz missing
    std::map<properties::PropertyId, std::string> counterexample_svgs;
    std::string note;                                             // e.g. why diagrams are missing
};

[[nodiscard]] std::string html_escape(const std::string& s);
void write_html(std::ostream& out, const checker::ExploreSpec& spec, const checker::ExploreResult& r,
                const HtmlFigures& figures);

}  // namespace orphancheck::reports
