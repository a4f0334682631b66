// DOT output: escaping, the socket view, and the graph command.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "check_options.hpp"
#include "orphancheck/checker/explorer.hpp"
#include "orphancheck/reports/dot.hpp"
#include "orphancheck/reports/socket_view.hpp"
#include "orphancheck/reports/state_views.hpp"

using namespace orphancheck;
using namespace orphancheck::reports;

namespace {
// Runs `dot -Tsvg` on the text; true when Graphviz accepts it.
bool dot_accepts(const std::string& dot_text) {
    const std::string path = "oc_test_graph_" + std::to_string(getpid()) + ".dot";  // test cases may run at once
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

namespace {
const char* kSmall = "--sockets 1 --linger off --unread no --loss no --peer-data no --peer-rst no --fin-timeout 60";
}

TEST_CASE("graph: full view of a small configuration as DOT and JSON, refused above the node limit") {
    CHECK(run(std::string("graph --view full --rank-by-depth ") + kSmall + " -o oc_test_full.dot") == 0);
    std::ifstream f("oc_test_full.dot");
    const std::string text((std::istreambuf_iterator<char>(f)), {});
    CHECK(text.find("rank=same") != std::string::npos);
    CHECK(text.find("orphans=1") != std::string::npos);
    if (have_dot()) CHECK(dot_accepts(text));
    std::remove("oc_test_full.dot");

    CHECK(run(std::string("graph --view full ") + kSmall + " -o oc_test_full.json") == 0);
    std::ifstream j("oc_test_full.json");
    const auto g = nlohmann::json::parse(j);
    CHECK(g["nodes"].size() > 20);
    CHECK(g["edges"].size() > g["nodes"].size());
    CHECK(g["nodes"][0]["sockets"][0]["state"] == "ESTABLISHED");
    CHECK(g["edges"][0].contains("event"));
    std::remove("oc_test_full.json");

    CHECK(run(std::string("graph --view full --format json ") + kSmall + " -o - | grep -q '\"edges\"'") == 0);
    CHECK(run("graph --format gif") == 2);
    CHECK(run("graph --view full --sockets 2 -o oc_test_big.dot") == 2);
    CHECK(run("graph --view quotient --sockets 1 -o oc_test_q.json") == 2);
}

TEST_CASE("graph: quotient view merges states by socket states and orphan count") {
    checker::ExploreSpec spec = orphancheck::cli::build_spec({{"sockets", "2"}, {"linger", "off"}, {"unread", "no"},
                                                              {"loss", "no"}, {"peer-data", "no"}}, {});
    spec.properties = 0;
    QuotientView q({});
    const auto r = checker::explore(spec, &q);
    const DotGraph g = q.graph();
    CHECK(g.nodes.size() > 10);
    CHECK(g.nodes.size() * 50 < r.stats.states);  // much smaller than the state graph
    bool both_fw1 = false;
    for (const auto& n : g.nodes) both_fw1 = both_fw1 || n.at("label").find("2x FIN_WAIT1") != std::string::npos;
    CHECK(both_fw1);
    std::ostringstream out;
    write_dot(out, g);
    if (have_dot()) CHECK(dot_accepts(out.str()));
}

TEST_CASE("graph: counterexample view highlights the violating path and its neighbourhood") {
    checker::ExploreSpec spec =
        orphancheck::cli::build_spec({{"sockets", "1"}, {"linger", "off"}, {"unread", "no"}}, {"counter-never-negative"});
    spec.threads = 1;  // the drawing run (one thread) must number states as the checking run did
    spec.patch = {"double-decrement",
                  {{model::RowEdit::Kind::add_effect, model::RowId::ack_last_ack, model::Effect::orphan_dec}}};
    const auto r = checker::explore(spec);
    REQUIRE(r.properties.front().counterexample.has_value());
    const auto& trace = *r.properties.front().counterexample;
    REQUIRE(trace.states.size() == trace.steps.size());
    CounterexampleView v({Colour::property, false}, trace.states, trace.cycle_start);
    checker::explore(spec, &v);
    const DotGraph g = v.graph();
    CHECK(g.nodes.size() > trace.states.size());  // the path plus its neighbours
    std::size_t red = 0;
    for (const auto& e : g.edges) red += e.attrs.count("penwidth") ? 1 : 0;
    CHECK(red == trace.states.size() - 1);
    bool negative = false;
    for (const auto& n : g.nodes) negative = negative || n.at("label").find("orphans=-1") != std::string::npos;
    CHECK(negative);
    std::ostringstream out;
    write_dot(out, g);
    if (have_dot()) CHECK(dot_accepts(out.str()));
}
