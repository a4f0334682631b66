// DOT output: escaping, the socket view, and the graph command.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "orphancheck/reports/dot.hpp"
#include "orphancheck/reports/socket_view.hpp"

using namespace orphancheck::reports;

namespace {
bool have_dot() { return std::system("command -v dot >/dev/null 2>&1") == 0; }

// Runs `dot -Tsvg` on the text; true when Graphviz accepts it.
bool dot_accepts(const std::string& dot_text) {
    const std::string path = "oc_test_graph.dot";
    std::ofstream(path) << dot_text;
    const int rc = std::system(("dot -Tsvg " + path + " -o /dev/null 2>/dev/null").c_str());
    std::remove(path.c_str());
    return WIFEXITED(rc) && WEXITSTATUS(rc) == 0;
}

int run(const std::string& args) {
    const int rc = std::system((std::string(ORPHANCHECK_BIN) + " " + args + " >/dev/null 2>&1").c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}
}  // namespace

TEST_CASE("graph: labels with quotes, backslashes, brackets and newlines are escaped") {
    CHECK(dot_quote("a\"b") == "\"a\\\"b\"");
    CHECK(dot_quote("a\\b") == "\"a\\\\b\"");
    CHECK(dot_quote("x\ny") == "\"x\\ny\"");
    DotGraph g;
    g.nodes.push_back({{"label", "say \"hi\" [x] {y} <z> \\ end"}});
    g.nodes.push_back({{"label", "two\nlines; a=b, c"}});
    g.edges.push_back({0, 1, {{"label", "close() [dead && !owned] / \"rst\""}}});
    std::ostringstream out;
    write_dot(out, g);
    const std::string text = out.str();
    CHECK(text.find("digraph") != std::string::npos);
    if (!have_dot()) {
        MESSAGE("skipped: Graphviz 'dot' is not installed");
        return;
    }
    CHECK(dot_accepts(text));
}

TEST_CASE("graph: the socket view shows every close-path state and renders") {
    std::ostringstream out;
    write_dot(out, socket_view());
    const std::string text = out.str();
    for (const char* s : {"FIN_WAIT1", "FIN_WAIT2", "CLOSING", "LAST_ACK", "TW(TIME_WAIT)", "TW(FIN_WAIT2)",
                          "DESTROYED", "timewait bucket, not an orphan", "orphan after close()"})
        CHECK(text.find(s) != std::string::npos);
    if (!have_dot()) {
        MESSAGE("skipped: Graphviz 'dot' is not installed");
        return;
    }
    CHECK(dot_accepts(text));
}

TEST_CASE("graph: the command writes DOT and SVG, and rejects bad views and paths with exit 2") {
    CHECK(run("graph -o oc_test_socket.dot") == 0);
    std::ifstream f("oc_test_socket.dot");
    CHECK(f.good());
    std::remove("oc_test_socket.dot");
    CHECK(run("graph --view nonsense") == 2);
    CHECK(run("graph -o /nonexistent/dir/x.dot") == 2);
    if (have_dot()) {
        CHECK(run("graph -o oc_test_socket.svg") == 0);
        std::ifstream svg("oc_test_socket.svg");
        std::string head(5, '\0');
        svg.read(head.data(), 5);
        CHECK((head == "<?xml" || head == "<!-- " || head == "<svg "));
        std::remove("oc_test_socket.svg");
        CHECK(run("graph -o /nonexistent/dir/x.svg") == 2);
    }
}
