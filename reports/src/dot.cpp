#include "orphancheck/reports/dot.hpp"
#include "orphancheck/reports/output_file.hpp"

#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphviz.hpp>
#include <boost/property_map/function_property_map.hpp>
#include <fmt/format.h>

namespace orphancheck::reports {
namespace {

void put_quoted(std::ostream& out, const std::string& s) {
    out.put('"');
    for (char c : s) {
        switch (c) {
            case '"': out << "\\\""; break;
            case '\\': out << "\\\\"; break;
            case '\n': out << "\\n"; break;
            case '\r': break;
            default: out.put(c);
        }
    }
    out.put('"');
}

void put_attrs(std::ostream& out, const DotAttrs& a) {
    bool first = true;
    for (const auto& [k, v] : a) {
        if (!first) out << ", ";
        first = false;
        out << k << '=';
        put_quoted(out, v);
    }
}

// The Boost graph holds only indices into the DotGraph; the writers look the attributes up.
struct EdgeProps {
    std::size_t index;
};
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property, EdgeProps>;

struct VertexWriter {
    const DotGraph* g;
    void operator()(std::ostream& out, std::size_t v) const {
        out << '[';
        put_attrs(out, g->nodes[v]);
        out << ']';
    }
};

struct EdgeWriter {
    const DotGraph* g;
    const Graph* bg;
    template <class Edge>
    void operator()(std::ostream& out, const Edge& e) const {
        out << '[';
        put_attrs(out, g->edges[(*bg)[e].index].attrs);
        out << ']';
    }
};

// Vertex ids for write_graphviz. Its default id escaping runs a regular expression
// per id (most of the time on large graphs); our ids are plain numbers, and this
// overload is found by argument-dependent lookup instead.
struct DotId {
    std::size_t v;
};
std::string escape_dot_string(const DotId& id) { return std::to_string(id.v); }

struct GraphWriter {
    const DotGraph* g;
    void operator()(std::ostream& out) const {
        const std::pair<const char*, const DotAttrs*> defaults[] = {
            {"graph", &g->graph_attrs}, {"node", &g->node_defaults}, {"edge", &g->edge_defaults}};
        for (const auto& [what, attrs] : defaults) {
            if (attrs->empty()) continue;
            out << what << " [";
            put_attrs(out, *attrs);
            out << "];\n";
        }
        for (const auto& group : g->same_rank) {
            out << "{rank=same;";
            for (std::size_t v : group) out << " " << v << ";";
            out << "}\n";
        }
    }
};


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
    // A dot that exits before it has read its input must not end us with SIGPIPE: with the signal blocked the
    // write fails (EPIPE) and the exit status below is reported; the signal the write raised is taken off this
    // thread before the old mask comes back.
    sigset_t sigpipe, old_mask;
    sigemptyset(&sigpipe);
    sigaddset(&sigpipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &sigpipe, &old_mask);
    std::size_t off = 0;
    while (off < input.size()) {
        const ssize_t n = write(fds[1], input.data() + off, input.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        off += std::size_t(n);
    }
    close(fds[1]);
    const timespec now{};
    while (sigtimedwait(&sigpipe, nullptr, &now) == SIGPIPE) {
    }
    pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
    int status = 0;
    waitpid(pid, &status, 0);
    // `path` is a private temporary file: the caller names the user's output.
    if (off != input.size() || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw OutputError(WIFEXITED(status) ? fmt::format("Graphviz 'dot' failed (exit status {})", WEXITSTATUS(status))
                                            : std::string("Graphviz 'dot' was killed"));
}
}  // namespace

bool have_dot() { return std::system("command -v dot >/dev/null 2>&1") == 0; }

namespace {
// `dot_source` laid out by `dot FORMAT`, through a private temporary file.
std::string render(const char* format, const std::string& dot_source) {
    if (!have_dot()) throw OutputError("Graphviz 'dot' is not installed");
    char tmpl[] = "/tmp/orphancheck-XXXXXX";
    const int fd = mkstemp(tmpl);
    if (fd < 0) throw OutputError("cannot create a temporary file");
    close(fd);
    const std::string path = tmpl;
    try {
        run_dot(format, path, dot_source);
    } catch (...) {
        std::remove(path.c_str());
        throw;
    }
    std::ifstream in(path, std::ios::binary);
    std::string out((std::istreambuf_iterator<char>(in)), {});
    std::remove(path.c_str());
    return out;
}

std::string dot_text(const DotGraph& g) {
    std::ostringstream buf;
    write_dot(buf, g);
    return std::move(buf).str();
}
}  // namespace

std::string render_svg(const DotGraph& g) {
    const std::string svg = render("-Tsvg", dot_text(g));
    const auto start = svg.find("<svg");
    return start == std::string::npos ? svg : svg.substr(start);
}

std::string dot_quote(const std::string& s) {
    std::ostringstream out;
    put_quoted(out, s);
    return out.str();
}

// g++ 12 reports a false -Wmaybe-uninitialized inside Boost.Graph's edge iterator
// (a boost::optional member) once write_graphviz is inlined here.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
void write_dot(std::ostream& out, const DotGraph& g) {
    Graph bg(g.nodes.size());
    for (std::size_t i = 0; i < g.edges.size(); ++i) {
        const auto& e = g.edges[i];
        if (e.from >= g.nodes.size() || e.to >= g.nodes.size()) throw std::logic_error("DOT edge to a missing node");
        boost::add_edge(e.from, e.to, EdgeProps{i}, bg);
    }
    // write_graphviz ends every line with std::endl (a flush each); buffer and write once.
    std::ostringstream buf;
    const auto ids = boost::make_function_property_map<std::size_t>([](std::size_t v) { return DotId{v}; });
    boost::write_graphviz(buf, bg, VertexWriter{&g}, EdgeWriter{&g, &bg}, GraphWriter{&g}, ids);
    out << buf.view();
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

void check_graph_file(std::string_view option, const std::string& path) {
    check_output(option, path, {"DOT", "SVG", "PNG"});
    const std::string_view f = format_of_name(path);
    if ((f == "SVG" || f == "PNG") && !have_dot())
        throw OutputError(fmt::format("{}{}Graphviz 'dot' is not installed: write a .dot file, or install graphviz for {}",
                                      option, option.empty() ? "" : ": ", path));
}

void write_graph_file(const DotGraph& g, const std::string& path) {
    if (path == "-" || path.empty()) {
        write_dot(std::cout, g);
        return;
    }
    const bool svg = format_of_name(path) == "SVG", png = format_of_name(path) == "PNG";
    check_graph_file("", path);
    if (!svg && !png) {
        write_file_atomically(path, dot_text(g));
        return;
    }
    std::string image;
    try {
        image = render(svg ? "-Tsvg" : "-Tpng", dot_text(g));
    } catch (const OutputError& e) {
        throw OutputError(fmt::format("cannot write '{}': {}", path, e.what()));
    }
    write_file_atomically(path, image);
}

}  // namespace orphancheck::reports
