// Pictures people look at: the default close-path diagram fits a screen at 100 % (its guards and actions are in
// tooltips, not on the edges), --no-guards still changes it, and the gallery's quotient stays a reasonable size.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_run.hpp"
#include "orphancheck/model/close_path.hpp"
#include "orphancheck/reports/dot.hpp"
#include "orphancheck/reports/socket_view.hpp"

using namespace orphancheck;
namespace fs = std::filesystem;

namespace {
std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

// Width and height of the root <svg> element in CSS pixels. Graphviz writes them in points; a point is 1/72 inch
// and a CSS pixel 1/96 inch, so 1 pt = 96/72 = 1.333 px (what a browser draws at 100 % zoom).
struct SvgSize {
    double width_px = -1, height_px = -1;
    std::string as_written;  // e.g. width="1230pt" height="1195pt"
};

double to_px(double value, const std::string& unit) {
    if (unit == "pt") return value * 96.0 / 72.0;
    if (unit.empty() || unit == "px") return value;
    if (unit == "in") return value * 96.0;
    return -1;  // a unit this test does not know: the checks below fail and say what was written
}

SvgSize svg_size(const std::string& svg) {
    SvgSize s;
    const std::regex root(R"re(<svg\s[^>]*?width="([0-9.]+)([a-z]*)"\s+height="([0-9.]+)([a-z]*)")re");
    std::smatch m;
    if (!std::regex_search(svg, m, root)) return s;
    s.width_px = to_px(std::stod(m[1]), m[2]);
    s.height_px = to_px(std::stod(m[3]), m[4]);
    s.as_written = "width=\"" + m[1].str() + m[2].str() + "\" height=\"" + m[3].str() + m[4].str() + "\"";
    return s;
}

// Standard output of a shell command.
std::string shell_out(const std::string& cmd) { return orphancheck::test::run_shell(cmd, false).out; }

// Standard output of `orphancheck ARGS`.
std::string run_out(const std::string& args) { return shell_out(std::string(ORPHANCHECK_BIN) + " " + args + " 2>/dev/null"); }

// `text` as it appears inside a DOT double-quoted string.
std::string in_dot(const std::string& text) {
    const std::string q = reports::dot_quote(text);
    return q.substr(1, q.size() - 2);
}

std::string dot_text(const reports::DotGraph& g) {
    std::ostringstream out;
    reports::write_dot(out, g);
    return out.str();
}
}  // namespace

TEST_CASE("pictures: the default socket view (graph --view socket -o f.svg) is at most 2000 px wide") {
    if (!reports::have_dot()) {
        MESSAGE("skipped: Graphviz 'dot' is not installed");
        return;
    }
    const fs::path svg_path = fs::temp_directory_path() / ("oc-pictures-" + std::to_string(getpid()) + ".svg");
    const std::string cmd = std::string(ORPHANCHECK_BIN) + " graph --view socket -o " + svg_path.string();
    REQUIRE(std::system(cmd.c_str()) == 0);
    const std::string svg = slurp(svg_path);
    fs::remove(svg_path);
    const SvgSize size = svg_size(svg);
    INFO("root element: " << (size.as_written.empty() ? svg.substr(0, 400) : size.as_written) << " = "
                          << size.width_px << " x " << size.height_px << " px at 96 dpi (1 pt = 1.333 px)");
    MESSAGE("socket view: " << size.as_written << " = " << static_cast<int>(size.width_px) << " x "
                            << static_cast<int>(size.height_px) << " px");
    REQUIRE(size.width_px > 0);
    CHECK(size.width_px <= 2000);
    // Drawn top-down, and an edge's rows are hover text in the SVG.
    CHECK(svg.find("xlink:title=\"") != std::string::npos);
}

TEST_CASE("pictures: socket-view edges are labelled by row names, guards and actions are in the tooltips") {
    const reports::DotGraph g = reports::socket_view(true, true);  // with the listener's rows: every row
    CHECK(g.graph_attrs.at("rankdir") == "TB");
    std::size_t rows_seen = 0;
    for (const auto& e : g.edges) {
        const std::string& label = e.attrs.at("label");
        const std::string& tip = e.attrs.at("tooltip");
        INFO("edge " << e.from << " -> " << e.to << " label: " << label << "\ntooltip: " << tip);
        CHECK(label.find('[') == std::string::npos);  // no guard on the picture
        CHECK(label.find(" / ") == std::string::npos);  // no actions either
        // One label line and one tooltip line per row.
        const auto lines = [](const std::string& s) { return std::count(s.begin(), s.end(), '\n') + 1; };
        CHECK(lines(label) == lines(tip));
        rows_seen += std::size_t(lines(tip));
    }
    CHECK(rows_seen == model::describe_table().size());
    // Every row's full name, event, guard and actions are somewhere in a tooltip.
    std::string tips;
    for (const auto& e : g.edges) tips += e.attrs.at("tooltip") + "\n";
    for (const model::RowDescription& d : model::describe_table()) {
        std::string want = std::string(model::row_name(d.row)) + ": " + model::kind_label(d.event);
        if (!d.guard.empty()) want += " [" + d.guard + "]";
        if (!d.actions.empty()) want += " / " + d.actions;
        INFO("row " << model::row_name(d.row) << ": wanted the tooltip line '" << want << "'");
        CHECK(tips.find(want + "\n") != std::string::npos);
    }
}

TEST_CASE("pictures: --no-guards leaves the guards out of the socket view's tooltips and legend") {
    const std::string with = dot_text(reports::socket_view(true, true));
    const std::string without = dot_text(reports::socket_view(false, true));
    CHECK(with != without);
    const std::string cli_with = run_out("graph --view socket --listener yes -o -");
    const std::string cli_without = run_out("graph --view socket --listener yes --no-guards -o -");
    CHECK(cli_with == with);  // the command draws what the view builds
    CHECK(cli_without == without);
    std::size_t guards = 0;
    for (const model::RowDescription& d : model::describe_table()) {
        if (d.guard.empty()) continue;
        ++guards;
        const std::string guard = in_dot(" [" + d.guard + "]");
        INFO("guard of " << model::row_name(d.row) << ":" << guard);
        CHECK(with.find(guard) != std::string::npos);
        CHECK(without.find(guard) == std::string::npos);
    }
    CHECK(guards > 0);
    // The labels (row names) are the same both ways.
    const reports::DotGraph a = reports::socket_view(true), b = reports::socket_view(false);
    REQUIRE(a.edges.size() == b.edges.size());
    for (std::size_t i = 0; i < a.edges.size(); ++i) CHECK(a.edges[i].attrs.at("label") == b.edges[i].attrs.at("label"));
}

TEST_CASE("pictures: a row's label drops the source state it names, and only at a word boundary") {
    using model::TcpState;
    CHECK(reports::short_row_name("rto_fin_wait1", TcpState::fin_wait1) == "rto");
    CHECK(reports::short_row_name("ack_fin_wait1_tw", TcpState::fin_wait1) == "ack_tw");
    CHECK(reports::short_row_name("rst_tw_fin_wait2", TcpState::tw_fin_wait2) == "rst");
    CHECK(reports::short_row_name("close_shut_closed_tw", TcpState::closed_tw) == "close_shut");
    CHECK(reports::short_row_name("close_wait_fin", TcpState::close_wait) == "close_wait_fin");  // no '_' before it
    CHECK(reports::short_row_name("close_fin", TcpState::established) == "close_fin");
    CHECK(reports::short_row_name("rst_fin_wait10", TcpState::fin_wait1) == "rst_fin_wait10");
}

TEST_CASE("pictures: the gallery's quotient SVG is drawn top-down at a reasonable size") {
    const fs::path examples = fs::path(ORPHANCHECK_CHECKS) / ".." / "reports" / "examples";
    const std::string svg = slurp(examples / "quotient-3-sockets.svg");
    const std::string dot = slurp(examples / "quotient-3-sockets.dot");
    REQUIRE(!svg.empty());
    CHECK(dot.find("rankdir=\"TB\"") != std::string::npos);
    const SvgSize size = svg_size(svg);
    MESSAGE("gallery quotient: " << size.as_written << " = " << static_cast<int>(size.width_px) << " x "
                                 << static_cast<int>(size.height_px) << " px");
    INFO("reports/examples/quotient-3-sockets.svg: " << size.as_written << " = " << size.width_px << " px wide");
    REQUIRE(size.width_px > 0);
    CHECK(size.width_px <= 2 * 1920);  // two screens at most, not sixty
    // One socket state per line: no node label lists two states on one line.
    CHECK(dot.find(", FIN_WAIT") == std::string::npos);
}

namespace {
// Per <g class="config"> of an SVG file: "ORPHAN_BANDS GONE_BANDS TIMERS TITLE", one line each, from Python's XML
// parser (so that the file is checked to be well-formed XML); "XML-ERROR ..." when it is not.
constexpr const char* kCountBands = R"(python3 -c '
import sys, xml.dom.minidom
try:
    doc = xml.dom.minidom.parse(sys.argv[1])
except Exception as e:
    print("XML-ERROR", e); sys.exit(0)
root = doc.documentElement
print("ROOT", root.tagName, root.getAttribute("width"), root.getAttribute("height"))
def cls(e): return e.getAttribute("class").split() if e.nodeType == e.ELEMENT_NODE else []
for g in doc.getElementsByTagName("g"):
    if "config" not in cls(g): continue
    rects = g.getElementsByTagName("rect")
    o = sum(1 for r in rects if "orphan" in cls(r)); n = sum(1 for r in rects if "gone" in cls(r))
    t = sum(1 for l in g.getElementsByTagName("line") if "timer" in cls(l))
    title = g.getElementsByTagName("title")[0].firstChild.data.replace("\n", " | ")
    print("CONFIG", o, n, t, title)
')";
}  // namespace

TEST_CASE("pictures: lifetime --svg draws one orphan band and one until-gone band per configuration, as XML") {
    if (std::system("python3 -c 'import xml.dom.minidom' 2>/dev/null") != 0) {
        MESSAGE("skipped: python3 with xml.dom.minidom is not installed, the SVG is not parsed");
        return;
    }
    const std::string tag = std::to_string(getpid());
    const fs::path svg = fs::temp_directory_path() / ("oc-lifetime-" + tag + ".svg");
    const fs::path json = fs::temp_directory_path() / ("oc-lifetime-" + tag + ".json");
    // Every TCP_LINGER2 class and both tcp_fin_timeout classes: 24 configurations, some with timers on their paths.
    const std::string out =
        run_out("lifetime --hz 250 --linger2 all --svg " + svg.string() + " --json " + json.string());
    INFO("lifetime printed:\n" << out);
    const auto rows = nlohmann::json::parse(slurp(json)).at("rows");
    const std::string counted = shell_out(std::string(kCountBands) + " " + svg.string());
    fs::remove(svg);
    fs::remove(json);
    INFO("parsed SVG:\n" << counted);
    REQUIRE(counted.find("XML-ERROR") == std::string::npos);
    CHECK(counted.rfind("ROOT svg ", 0) == 0);
    std::istringstream lines(counted);
    std::size_t configs = 0, with_timers = 0;
    for (std::string line; std::getline(lines, line);) {
        std::istringstream in(line);
        std::string kind, title;
        int orphan = -1, gone = -1, timers = -1;
        if (!(in >> kind) || kind != "CONFIG") continue;
        in >> orphan >> gone >> timers;
        std::getline(in, title);
        INFO("configuration" << title);
        CHECK(orphan == 1);
        CHECK(gone == 1);
        if (configs < rows.size()) {
            // In the table's order: the case, then the close() variant and the state it is called in.
            const auto& r = rows[configs];
            CHECK(title.find(r.at("case").get<std::string>()) != std::string::npos);
            CHECK(title.find(r.at("close").get<std::string>() + " from " + r.at("from").get<std::string>()) != std::string::npos);
        }
        with_timers += timers > 0;
        ++configs;
    }
    CHECK(configs == rows.size());
    CHECK(rows.size() >= 2);
    CHECK(with_timers > 0);  // the retransmit and timewait timers of the FIN_WAIT1 paths
}
