// DOT output through Boost.Graph: graphs of labelled nodes and edges with
// arbitrary Graphviz attributes, written with write_graphviz and properly
// escaped, and rendering to SVG/PNG with the `dot` program.
#pragma once

#include <map>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace orphancheck::reports {

using DotAttrs = std::map<std::string, std::string>;  // attribute -> value (unescaped)

struct DotGraph {
    std::string name = "G";
    DotAttrs graph_attrs;
    DotAttrs node_defaults;
    DotAttrs edge_defaults;
    std::vector<DotAttrs> nodes;  // each has at least "label"
    struct Edge {
        std::size_t from, to;
        DotAttrs attrs;
    };
    std::vector<Edge> edges;
    std::vector<std::vector<std::size_t>> same_rank;  // groups of nodes drawn on one rank
};

// A DOT double-quoted string: quotes and backslashes escaped, newlines as \n.
[[nodiscard]] std::string dot_quote(const std::string& s);

void write_dot(std::ostream& out, const DotGraph& g);

// Thrown when the output cannot be produced (no `dot`, unwritable file): bad input, exit 2.
struct OutputError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// True when Graphviz's `dot` is on PATH.
[[nodiscard]] bool have_dot();
// `g` laid out by `dot -Tsvg`, as the <svg> element only (no XML prolog), for inlining.
[[nodiscard]] std::string render_svg(const DotGraph& g);

// Before the work, for an option writing a graph file: the name must ask for DOT (*.dot, *.gv, "-" or a name without
// a format's extension), SVG or PNG (*.svg, *.png: then Graphviz must be installed), and be writable. Throws
// OutputError naming `option` (check_output): DOT text is never written under a name like x.gif or x.pdf.
void check_graph_file(std::string_view option, const std::string& path);

// Writes `g` to `path`: DOT for *.dot (or "-" for stdout), SVG/PNG through `dot` for *.svg / *.png
// (check_graph_file first).
void write_graph_file(const DotGraph& g, const std::string& path);

}  // namespace orphancheck::reports
