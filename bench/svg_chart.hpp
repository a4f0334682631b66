// A line chart as plain SVG text: for bench_explore --svg, states and seconds against the socket count, one
// line per configuration, the y axis logarithmic (state counts grow by orders of magnitude per socket).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace orphancheck::bench {

struct Series {
    std::string name;
    std::vector<std::pair<double, double>> points;  // (x, y), y > 0
};

struct Panel {
    std::string title, x_label, y_label;
    std::vector<Series> series;
};

// Panels side by side, sharing the legend; x values are whole numbers (socket counts).
[[nodiscard]] std::string line_chart_svg(const std::string& title, const std::vector<Panel>& panels);

}  // namespace orphancheck::bench
