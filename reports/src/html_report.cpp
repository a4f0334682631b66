#include "orphancheck/reports/html_report.hpp"

#include <string_view>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "orphancheck/reports/report.hpp"

namespace orphancheck::reports {
namespace {

// Graph and tables are stacked, never side by side: a graph is scaled down to the page width (max-width), so it
// cannot cover a table whatever the window's width. Click-to-zoom without a script (the report has none): each
// graph sits in the <label> of a hidden checkbox; checked, the graph is drawn at full size in a box that scrolls.
constexpr const char* kStyle = R"(
body{font-family:Helvetica,Arial,sans-serif;margin:2em;color:#212529}
h1 .pass{color:#2b8a3e} h1 .fail{color:#c92a2a} h1 .incomplete{color:#e67700}
table{border-collapse:collapse;margin:.5em 0} td,th{border:1px solid #dee2e6;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f1f3f5} td.holds{color:#2b8a3e} td.violated{color:#c92a2a;font-weight:bold} td.unknown{color:#e67700}
.steps-box{max-width:100%;overflow-x:auto}
.figure{max-width:100%;border:1px solid #dee2e6;margin:.5em 0;position:relative}
.figure .zoom{position:absolute;opacity:0;pointer-events:none}
.figure .canvas{display:block;overflow:auto;cursor:zoom-in}
.figure .canvas svg{display:block;max-width:100%;height:auto;margin:0 auto}
.figure .zoom:checked+.canvas{cursor:zoom-out;max-height:85vh}
.figure .zoom:checked+.canvas svg{max-width:none}
.figure .zoom:focus-visible+.canvas{outline:2px solid #1c7ed6}
.figure .hint{font-size:.85em;color:#868e96;margin:.2em .5em}
.cycle td{background:#fff4e6} code{background:#f1f3f5;padding:0 .2em}
)";

std::string stats_rows(const checker::Stats& s) {
    return fmt::format(
        "<tr><th>states</th><td>{}</td></tr><tr><th>transitions</th><td>{}</td></tr>"
        "<tr><th>depth</th><td>{}</td></tr><tr><th>seconds</th><td>{:.3f} (explore {:.3f}, liveness {:.3f})</td></tr>"
        "<tr><th>states/s</th><td>{:.0f}</td></tr><tr><th>bytes/state</th><td>{:.1f}</td></tr>"
        "<tr><th>peak RSS</th><td>{:.1f} MiB</td></tr>",
        s.states, s.transitions, s.depth, s.seconds, s.explore_seconds, s.liveness_seconds, s.states_per_second,
        s.bytes_per_state, double(s.peak_rss_bytes) / (1 << 20));
}

void write_steps(std::ostream& out, const checker::Trace& t) {
    fmt::print(out, "<p>configuration: <code>{}</code></p>\n", html_escape(t.config));
    out << "<div class=\"steps-box\"><table class=\"steps\"><tr><th>#</th><th>socket</th><th>event</th><th>kernel function (row)</th>"
           "<th>state after</th><th>in flight</th><th>orphans</th><th>cache</th></tr>\n";
    for (std::size_t i = 0; i < t.steps.size(); ++i) {
        const auto& s = t.steps[i];
        const bool cycle = t.cycle_start >= 0 && int(i) >= t.cycle_start;
        fmt::print(out,
                   "<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                   cycle ? " class=\"cycle\"" : "", i, s.socket < 0 ? "" : std::to_string(s.socket), html_escape(s.event),
                   s.rows.empty() ? "" : html_escape(s.kernel_function + " (" + s.rows + ")" + (s.patched.empty() ? "" : " [patched: " + s.patched + "]")), html_escape(s.state),
                   html_escape(s.network), s.orphans, s.orphan_cache);
    }
    out << "</table></div>\n";
    if (t.cycle_start >= 0)
        fmt::print(out, "<p>Steps from {} on (shaded) repeat forever.</p>\n", t.cycle_start);
    if (!t.note.empty()) fmt::print(out, "<p>{}</p>\n", html_escape(t.note));
}
// A graph that fits the page width; a click on it (or space on its checkbox) toggles full size.
void write_figure(std::ostream& out, const std::string& id, const std::string& svg, std::string_view more_hint) {
    fmt::print(out,
               "<div class=\"figure\" id=\"{0}\"><input type=\"checkbox\" class=\"zoom\" id=\"zoom-{0}\" "
               "aria-label=\"show at full size\"><label class=\"canvas\" for=\"zoom-{0}\" title=\"click: full size "
               "(scroll to pan) or fit to the page\">{1}</label><p class=\"hint\">Click the graph for full size "
               "(then scroll), again to fit{2}.</p></div>\n",
               id, svg, more_hint);
}
}  // namespace

std::string html_escape(const std::string& s) {
    std::string o;
    for (char c : s) {
        switch (c) {
            case '&': o += "&amp;"; break;
            case '<': o += "&lt;"; break;
            case '>': o += "&gt;"; break;
            case '"': o += "&quot;"; break;
            default: o += c;
        }
    }
    return o;
}

void write_html(std::ostream& out, const checker::ExploreSpec& spec, const checker::ExploreResult& r,
                const HtmlFigures& fig) {
    const std::string verdict(verdict_name(r.verdict));
    fmt::print(out, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>orphancheck: {}</title>"
                    "<style>{}</style></head><body>\n",
               verdict, kStyle);
    fmt::print(out, "<h1>orphancheck {}: verdict <span id=\"verdict\" class=\"{}\">{}</span></h1>\n", kVersion, verdict,
               verdict);
    if (!r.incomplete_reason.empty()) fmt::print(out, "<p>incomplete: {}</p>\n", html_escape(r.incomplete_reason));
    out << "<h2>Configuration</h2>\n<table id=\"config\">\n";
    fmt::print(out, "<tr><th>sockets</th><td>{}</td></tr><tr><th>engine</th><td>{}</td></tr>\n", spec.sockets,
               spec.engine == checker::Engine::table ? "table" : "msm");
    for (std::size_t i = 0; i < spec.cases.size(); ++i)
        fmt::print(out, "<tr><th>configuration {}</th><td>{}</td></tr>\n", i + 1, html_escape(spec.cases[i].describe()));
    fmt::print(out, "<tr><th>each socket closes with</th><td>{}</td></tr>\n",
               html_escape(spec.cases.front().describe_closes()));
    if (!spec.patch.empty())
        fmt::print(out, "<tr><th>patch {}</th><td>{}</td></tr>\n", html_escape(spec.patch.name),
                   html_escape(spec.patch.describe()));
    out << "</table>\n<h2>Properties</h2>\n<table id=\"verdict-table\"><tr><th>property</th><th>status</th><th>meaning</th></tr>\n";
    for (const auto& p : r.properties) {
        const auto& i = properties::info(p.id);
        const std::string st(status_name(p.status));
        const std::string name = p.counterexample ? fmt::format("<a href=\"#cex-{}\">{}</a>", i.name, i.name)
                                                  : std::string(i.name);
        fmt::print(out, "<tr><td>{}</td><td class=\"{}\">{}</td><td>{}</td></tr>\n", name, st, st,
                   html_escape(std::string(i.meaning)));
    }
    fmt::print(out, "</table>\n<h2>Statistics</h2>\n<table id=\"stats\">{}</table>\n", stats_rows(r.stats));
    out << "<h2>The close path of one socket</h2>\n";
    if (!fig.socket_view_svg.empty()) write_figure(out, "socket-view", fig.socket_view_svg, "; hover an edge for its rows' full names, events, guards and actions");
    if (!fig.note.empty()) fmt::print(out, "<p>{}</p>\n", html_escape(fig.note));
    for (const auto& p : r.properties) {
        if (!p.counterexample) continue;
        const auto& i = properties::info(p.id);
        fmt::print(out, "<h2 id=\"cex-{}\">Counterexample: {}</h2>\n<p>{}</p>\n<div class=\"cex\">\n", i.name,
                   i.name, html_escape(std::string(i.meaning)));
        write_steps(out, *p.counterexample);
        const auto svg = fig.counterexample_svgs.find(p.id);
        if (svg != fig.counterexample_svgs.end()) write_figure(out, fmt::format("graph-{}", i.name), svg->second, "");
        out << "</div>\n";
    }
    out << "</body></html>\n";
}

}  // namespace orphancheck::reports
