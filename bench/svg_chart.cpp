#include "svg_chart.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "orphancheck/reports/html_report.hpp"

namespace orphancheck::bench {
namespace {
constexpr double kPanelW = 460, kPanelH = 330, kLeft = 70, kTop = 60, kGap = 40, kLegendW = 170;
constexpr const char* kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
                                    "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#843c39"};

std::string escape(const std::string& s) { return reports::html_escape(s); }

std::string tick_label(double v) {
    if (v >= 1e9) return fmt::format("{:g}G", v / 1e9);
    if (v >= 1e6) return fmt::format("{:g}M", v / 1e6);
    if (v >= 1e3) return fmt::format("{:g}k", v / 1e3);
    return fmt::format("{:g}", v);
}

std::string panel_svg(const Panel& p, double x0) {
    double xmin = 1e300, xmax = -1e300, ymin = 1e300, ymax = -1e300;
    for (const Series& s : p.series)
        for (const auto& [x, y] : s.points) {
            xmin = std::min(xmin, x), xmax = std::max(xmax, x);
            if (y > 0) ymin = std::min(ymin, y), ymax = std::max(ymax, y);
        }
    if (xmin > xmax) xmin = 1, xmax = 2;
    if (xmax == xmin) xmax = xmin + 1;
    if (ymin > ymax) ymin = 1, ymax = 10;
    const double lo = std::floor(std::log10(ymin)), hi = std::max(lo + 1, std::ceil(std::log10(ymax)));
    const double w = kPanelW - kLeft - 20, h = kPanelH - 60;
    const auto px = [&](double x) { return x0 + kLeft + (x - xmin) / (xmax - xmin) * w; };
    const auto py = [&](double y) { return kTop + h - (std::log10(std::max(y, ymin)) - lo) / (hi - lo) * h; };
    std::string out = fmt::format(R"svg(<g><text x="{:.1f}" y="{:.1f}" font-size="14" text-anchor="middle">{}</text>)svg""\n",
                                  x0 + kLeft + w / 2, kTop - 15, escape(p.title));
    out += fmt::format(R"svg(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="none" stroke="#999"/>)svg""\n",
                       x0 + kLeft, double(kTop), w, h);
    for (double e = lo; e <= hi; ++e)
        out += fmt::format(R"svg(<line x1="{0:.1f}" x2="{1:.1f}" y1="{2:.1f}" y2="{2:.1f}" stroke="#ddd"/><text x="{3:.1f}" y="{4:.1f}" font-size="11" text-anchor="end">{5}</text>)svg""\n",
                           x0 + kLeft, x0 + kLeft + w, py(std::pow(10, e)), x0 + kLeft - 5, py(std::pow(10, e)) + 4,
                           tick_label(std::pow(10, e)));
    for (double x = std::ceil(xmin); x <= xmax; ++x)
        out += fmt::format(R"svg(<text x="{:.1f}" y="{:.1f}" font-size="11" text-anchor="middle">{:g}</text>)svg""\n", px(x),
                           kTop + h + 15, x);
    out += fmt::format(R"svg(<text x="{:.1f}" y="{:.1f}" font-size="12" text-anchor="middle">{}</text>)svg""\n", x0 + kLeft + w / 2,
                       kTop + h + 35, escape(p.x_label));
    out += fmt::format(R"svg(<text transform="translate({:.1f},{:.1f}) rotate(-90)" font-size="12" text-anchor="middle">{}</text>)svg""\n",
                       x0 + 15, kTop + h / 2, escape(p.y_label));
    for (std::size_t i = 0; i < p.series.size(); ++i) {
        const Series& s = p.series[i];
        const char* colour = kColours[i % std::size(kColours)];
        std::string points;
        for (const auto& [x, y] : s.points) points += fmt::format("{:.1f},{:.1f} ", px(x), py(y));
        out += fmt::format(R"svg(<polyline class="series" data-name="{}" points="{}" fill="none" stroke="{}" stroke-width="2"/>)svg""\n",
                           escape(s.name), points, colour);
        for (const auto& [x, y] : s.points)
            out += fmt::format(R"svg(<circle cx="{:.1f}" cy="{:.1f}" r="3" fill="{}"><title>{}: {:g} at {:g}</title></circle>)svg""\n",
                               px(x), py(y), colour, escape(s.name), y, x);
    }
    return out + "</g>\n";
}
}  // namespace

std::string line_chart_svg(const std::string& title, const std::vector<Panel>& panels) {
    const double width = double(panels.size()) * (kPanelW + kGap) + kLegendW;
    std::string out = fmt::format(
        R"svg(<svg xmlns="http://www.w3.org/2000/svg" width="{0:.0f}" height="{1:.0f}" viewBox="0 0 {0:.0f} {1:.0f}" font-family="sans-serif">)svg""\n"
        R"svg(<text x="10" y="20" font-size="15" font-weight="bold">{2}</text>)svg""\n",
        width, kPanelH + kTop, escape(title));
    for (std::size_t i = 0; i < panels.size(); ++i) out += panel_svg(panels[i], double(i) * (kPanelW + kGap));
    if (!panels.empty()) {
        const double lx = double(panels.size()) * (kPanelW + kGap);
        for (std::size_t i = 0; i < panels[0].series.size(); ++i)
            out += fmt::format(R"svg(<rect x="{:.1f}" y="{:.1f}" width="14" height="4" fill="{}"/><text x="{:.1f}" y="{:.1f}" font-size="12">{}</text>)svg""\n",
                               lx, kTop + 18.0 * double(i), kColours[i % std::size(kColours)], lx + 20, kTop + 18.0 * double(i) + 5,
                               escape(panels[0].series[i].name));
    }
    return out + "</svg>\n";
}

}  // namespace orphancheck::bench
