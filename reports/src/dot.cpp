#include "orphancheck/reports/dot.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphviz.hpp>
#include <fmt/format.h>

namespace orphancheck::reports {
namespace {

std::string attr_list(const DotAttrs& a) {
    std::string s;
    for (const auto& [k, v] : a) {
        if (!s.empty()) s += ", ";
        s += k + "=" + dot_quote(v);
    }
    return s;
}

struct VertexProps {
    DotAttrs attrs;
};
struct EdgeProps {
    DotAttrs attrs;
};
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, VertexProps, EdgeProps>;

template <class Map>
struct AttrWriter {
    Map map;
    template <class Item>
    void operator()(std::ostream& out, const Item& item) const {
        out << "[" << attr_list(map[item].attrs) << "]";
    }
};

struct GraphWriter {
    const DotGraph* g;
    void operator()(std::ostream& out) const {
        if (!g->graph_attrs.empty()) out << "graph [" << attr_list(g->graph_attrs) << "];\n";
        if (!g->node_defaults.empty()) out << "node [" << attr_list(g->node_defaults) << "];\n";
        if (!g->edge_defaults.empty()) out << "edge [" << attr_list(g->edge_defaults) << "];\n";
        for (const auto& group : g->same_rank) {
            out << "{rank=same;";
            for (std::size_t v : group) out << " " << v << ";";
            out << "}\n";
        }
    }
};

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}


// dot FORMAT -o PATH < input, without a shell.
void run_dot(const char* format, const std::string& path, const std::string& input) {
    int fds[2];
    if (pipe(fds) != 0) throw OutputError("cannot run dot");
    const pid_t pid = fork();
    if (pid < 0) throw OutputError("cannot run dot");
    if (pid == 0) {
        dup2(fds[0], 0);
        close(fds[0]);
        close(fds[1]);
        // dot's layout warnings are not ours to print; a failure is reported below.
        if (FILE* null = std::fopen("/dev/null", "w")) dup2(fileno(null), 2);
        execlp("dot", "dot", format, "-o", path.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    close(fds[0]);
    std::size_t off = 0;
    while (off < input.size()) {
        const ssize_t n = write(fds[1], input.data() + off, input.size() - off);
        if (n <= 0) break;
        off += std::size_t(n);
    }
    close(fds[1]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (off != input.size() || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw OutputError(fmt::format("dot failed to render '{}'", path));
}
}  // namespace

bool have_dot() { return std::system("command -v dot >/dev/null 2>&1") == 0; }

std::string render_svg(const DotGraph& g) {
    if (!have_dot()) throw OutputError("Graphviz 'dot' is not installed");
    char tmpl[] = "/tmp/orphancheck-XXXXXX";
    const int fd = mkstemp(tmpl);
    if (fd < 0) throw OutputError("cannot create a temporary file");
    close(fd);
    const std::string path = tmpl;
    std::ostringstream buf;
    write_dot(buf, g);
    try {
        run_dot("-Tsvg", path, buf.str());
    } catch (...) {
        std::remove(path.c_str());
        throw;
    }
    std::ifstream in(path);
    std::string svg((std::istreambuf_iterator<char>(in)), {});
    std::remove(path.c_str());
    const auto start = svg.find("<svg");
    return start == std::string::npos ? svg : svg.substr(start);
}

std::string dot_quote(const std::string& s) {
    std::string q = "\"";
    for (char c : s) {
        switch (c) {
            case '"': q += "\\\""; break;
            case '\\': q += "\\\\"; break;
            case '\n': q += "\\n"; break;
            case '\r': break;
            default: q += c;
        }
    }
    return q + "\"";
}

// g++ 12 reports a false -Wmaybe-uninitialized inside Boost.Graph's edge iterator
// (a boost::optional member) once write_graphviz is inlined here.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
void write_dot(std::ostream& out, const DotGraph& g) {
    Graph bg(g.nodes.size());
    for (std::size_t i = 0; i < g.nodes.size(); ++i) bg[i].attrs = g.nodes[i];
    for (const auto& e : g.edges) {
        if (e.from >= g.nodes.size() || e.to >= g.nodes.size()) throw std::logic_error("DOT edge to a missing node");
        boost::add_edge(e.from, e.to, EdgeProps{e.attrs}, bg);
    }
    // write_graphviz ends every line with std::endl; buffer and write once.
    std::ostringstream buf;
    boost::write_graphviz(buf, bg, AttrWriter<decltype(get(boost::vertex_bundle, bg))>{get(boost::vertex_bundle, bg)},
                          AttrWriter<decltype(get(boost::edge_bundle, bg))>{get(boost::edge_bundle, bg)},
                          GraphWriter{&g});
    out << buf.str();
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

void write_graph_file(const DotGraph& g, const std::string& path) {
    if (path == "-" || path.empty()) {
        write_dot(std::cout, g);
        return;
    }
    const bool svg = ends_with(path, ".svg"), png = ends_with(path, ".png");
    if (!svg && !png) {
        std::ofstream f(path);
        if (!f) throw OutputError(fmt::format("cannot write '{}'", path));
        write_dot(f, g);
        if (!f) throw OutputError(fmt::format("cannot write '{}'", path));
        return;
    }
    if (!have_dot()) throw OutputError("Graphviz 'dot' is not installed: write a .dot file, or install graphviz for " + path);
    {
        std::ofstream probe(path);
        if (!probe) throw OutputError(fmt::format("cannot write '{}'", path));
    }
    std::ostringstream buf;
    write_dot(buf, g);
    run_dot(svg ? "-Tsvg" : "-Tpng", path, buf.str());
}

}  // namespace orphancheck::reports
