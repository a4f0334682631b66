#include "orphancheck/reports/lifetime_svg.hpp"
#include "orphancheck/reports/html_report.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "orphancheck/model/events.hpp"

namespace orphancheck::reports {
namespace {

// Geometry, in px: the labels on the left, the time axis on the right, a margin past it for unbounded bands. The
// axis starts after the longest row label, at a generous 7 px per character of 12 px Helvetica.
constexpr double kLabelX = 12, kRowLabelX = kLabelX + 10, kCharW = 7, kPlotW = 630, kUnbounded = 70;
constexpr double kTop = 92, kGroupH = 26, kRowH = 40, kBandH = 10, kBottom = 16;
constexpr double kTimeMin = 0.01;  // seconds at the left edge: shorter times are drawn there

std::string xml(std::string_view s) { return html_escape(std::string(s)); }  // the same five characters

// The log-scale time axis, from kTimeMin at x0 to the first power of ten at or above every finite bound at x1.
struct Axis {
    double x0 = 0, x1 = 0;
    double decades = 2;  // log10(max / kTimeMin)
    [[nodiscard]] double x(double seconds) const {
        const double d = std::log10(std::max(seconds, kTimeMin) / kTimeMin);
        return x0 + (x1 - x0) * std::min(d, decades) / decades;
    }
    [[nodiscard]] double width() const { return x1 + kUnbounded + 20; }
};

Axis axis_for(const std::vector<LifetimeRow>& rows) {
    double most = 1;
    std::size_t label = 40;
    for (const LifetimeRow& r : rows) {
        for (const analysis::Interval* i : {&r.orphan, &r.gone}) most = std::max({most, i->lo, i->hi.value_or(0)});
        label = std::max(label, r.label.size());
    }
    const double x0 = kRowLabelX + kCharW * double(label) + 16;
    return {x0, x0 + kPlotW, std::ceil(std::log10(most / kTimeMin) - 1e-9)};
}

void put_axis(std::string& out, const Axis& a, double bottom) {
    for (int k = 0; k <= int(a.decades); ++k) {
        const double t = kTimeMin * std::pow(10.0, k), x = a.x(t);
        out += fmt::format(R"(<line class="grid" x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" stroke="#dee2e6"/>)"
                           "\n<text x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\" font-size=\"11\">{4}{5:g} s</text>\n",
                           x, kTop - 8, bottom, kTop - 14, k == 0 ? "&#8804; " : "", t);
    }
    out += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" font-size="11" fill="#868e96">unbounded</text>)"
                       "\n",
                       a.x1 + 24, kTop - 14);
}

// A least-to-most band; an unbounded one runs past the axis into the "unbounded" margin and ends in an arrow.
void put_band(std::string& out, const Axis& a, const char* cls, const char* colour, const analysis::Interval& i,
              double y, const std::string& tip) {
    const double x0 = a.x(i.lo), x1 = i.hi ? std::max(a.x(*i.hi), x0 + 3) : a.x1 + kUnbounded;
    out += fmt::format(R"(<rect class="band {}" x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}" )"
                       R"(fill-opacity="0.85"><title>{}</title></rect>)"
                       "\n",
                       cls, x0, y, x1 - x0, kBandH, colour, xml(tip));
    if (!i.hi)
        out += fmt::format(R"(<path d="M{0:.1f},{1:.1f} l8,{2:.1f} l-8,{2:.1f} z" fill="{3}"/>)"
                           "\n",
                           x1, y - 2, kBandH / 2 + 2, colour);
}

void put_row(std::string& out, const Axis& a, const LifetimeRow& r, double y) {
    const std::string orphan = analysis::describe(r.orphan), gone = analysis::describe(r.gone);
    out += fmt::format("<g class=\"config\"><title>{}</title>\n", xml(r.group + "\n" + r.label));
    out += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" font-size="12">{}</text>)"
                       "\n"
                       R"(<text x="{:.1f}" y="{:.1f}" font-size="11" fill="#495057">orphan {}, gone {}</text>)"
                       "\n",
                       kRowLabelX, y + 14, xml(r.label), kRowLabelX, y + 29, xml(orphan), xml(gone));
    const std::string why = r.why_unbounded.empty() ? "" : " (" + r.why_unbounded + ")";
    put_band(out, a, "orphan", "#f76707", r.orphan, y + 4, "orphan " + orphan + (r.orphan.hi ? "" : why));
    put_band(out, a, "gone", "#1c7ed6", r.gone, y + 6 + kBandH, "until gone " + gone + (r.gone.hi ? "" : why));
    std::set<std::pair<double, bool>> seen;  // one mark per time and path
    for (const LifetimeTimer& t : r.timers) {
        if (!seen.insert({t.at, t.on_most_path}).second) continue;
        const double x = a.x(t.at), y0 = y + 6 + kBandH - (t.on_most_path ? 4 : 0);
        out += fmt::format(R"(<line class="timer {}" x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="#212529" )"
                           R"(stroke-width="1.5"{}><title>{} at {:.3f} s ({} path)</title></line>)"
                           "\n",
                           t.on_most_path ? "most" : "least", x, y0, x, y0 + kBandH + 4,
                           t.on_most_path ? "" : R"( stroke-dasharray="2,2")", xml(t.event), t.at,
                           t.on_most_path ? "longest" : "shortest");
    }
    out += "</g>\n";
}

void put_legend(std::string& out) {
    out += fmt::format(
        R"(<rect x="{0:.1f}" y="44" width="22" height="{1:.1f}" fill="#f76707"/><text x="{2:.1f}" y="53" font-size="11">)"
        R"(as an orphan, least to most</text>)"
        "\n"
        R"(<rect x="{3:.1f}" y="44" width="22" height="{1:.1f}" fill="#1c7ed6"/><text x="{4:.1f}" y="53" font-size="11">)"
        R"(close() until gone, least to most</text>)"
        "\n"
        R"(<line x1="{5:.1f}" y1="42" x2="{5:.1f}" y2="56" stroke="#212529" stroke-width="1.5"/>)"
        R"(<line x1="{6:.1f}" y1="42" x2="{6:.1f}" y2="56" stroke="#212529" stroke-width="1.5" stroke-dasharray="2,2"/>)"
        R"(<text x="{7:.1f}" y="53" font-size="11">a timer fires on the longest / shortest path (hover for which)</text>)"
        "\n",
        kLabelX, kBandH, kLabelX + 28, kLabelX + 210, kLabelX + 238, kLabelX + 470, kLabelX + 478, kLabelX + 488);
}
}  // namespace

std::vector<LifetimeTimer> path_timers(const std::vector<analysis::PathStep>& path, bool most) {
    std::vector<LifetimeTimer> timers;
    for (const analysis::PathStep& s : path)
        for (const model::EventInfo& e : model::event_infos())
            if (e.timing != model::Timing::instant && e.timing != model::Timing::anytime && s.event == e.text)
                timers.push_back({s.at, s.event, most});
    return timers;
}

std::string lifetime_svg(const std::string& title, const std::vector<LifetimeRow>& rows) {
    const Axis a = axis_for(rows);
    double height = kTop;
    for (std::size_t i = 0; i < rows.size(); ++i) height += (i == 0 || rows[i].group != rows[i - 1].group ? kGroupH : 0) + kRowH;
    height += kBottom;
    std::string out = fmt::format(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        R"(<svg xmlns="http://www.w3.org/2000/svg" width="{0:.0f}" height="{1:.0f}" viewBox="0 0 {0:.0f} {1:.0f}" )"
        R"(font-family="Helvetica, Arial, sans-serif" fill="#212529">)"
        "\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        R"(<text x="{2:.1f}" y="24" font-size="14" font-weight="bold">{3}</text>)"
        "\n",
        a.width(), height, kLabelX, xml(title));
    put_legend(out);
    put_axis(out, a, height - kBottom);
    double y = kTop;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (i == 0 || rows[i].group != rows[i - 1].group) {
            out += fmt::format(R"(<text class="group" x="{:.1f}" y="{:.1f}" font-size="12" font-weight="bold">{}</text>)"
                               "\n",
                               kLabelX, y + 18, xml(rows[i].group));
            y += kGroupH;
        }
        put_row(out, a, rows[i], y);
        y += kRowH;
    }
    return out + "</svg>\n";
}

}  // namespace orphancheck::reports
