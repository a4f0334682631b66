// The HTML report's layout in a real headless browser (Debian's chromium), as tests/test_html.cpp runs it, at the
// window widths of a common laptop (1366x900) and desktop (1920x1080): no graph covers a table, a graph fits its
// box, and a click (its checkbox checked) shows it at full size inside the same box. The report has no script; this
// test measures a copy of it with a probe appended that writes the element boxes (getBoundingClientRect) into the
// DOM, which --dump-dom then prints.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli_run.hpp"
#include "orphancheck/reports/dot.hpp"

namespace fs = std::filesystem;

namespace {
// Measures the page twice: as loaded ("fit"), then with every graph's zoom checkbox checked ("zoomed").
// Lines: KIND STATE NAME LEFT TOP RIGHT BOTTOM [EXTRA].
constexpr const char* kProbe = R"(<script>
(function () {
  function box(e) { var r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom].map(function (v) { return v.toFixed(1); }).join(' '); }
  function measure(state) {
    var out = ['viewport ' + state + ' window ' + '0 0 ' + window.innerWidth + ' ' + window.innerHeight];
    document.querySelectorAll('table').forEach(function (t, i) { out.push('table ' + state + ' ' + (t.id || t.className || 'table') + '#' + i + ' ' + box(t)); });
    document.querySelectorAll('.figure').forEach(function (f, i) {
      var svg = f.querySelector('svg'), canvas = f.querySelector('.canvas') || f, name = f.id || 'figure' + i;
      out.push('figure ' + state + ' ' + name + ' ' + box(f));
      if (svg) out.push('svg ' + state + ' ' + name + ' ' + box(svg) + ' ' + svg.viewBox.baseVal.width);
      out.push('canvas ' + state + ' ' + name + ' ' + box(canvas) + ' ' + getComputedStyle(canvas).overflowX);
    });
    return out;
  }
  var lines = measure('fit');
  document.querySelectorAll('.figure .zoom').forEach(function (c) { c.checked = true; });
  lines = lines.concat(measure('zoomed'));
  var pre = document.createElement('pre');
  pre.id = 'oc-boxes';
  pre.textContent = lines.join('\n');
  document.body.appendChild(pre);
})();
</script>)";

struct Box {
    std::string kind, state, name;
    double l = 0, t = 0, r = 0, b = 0;
    std::string extra;
    [[nodiscard]] std::string describe() const {
        return fmt::format("{} '{}' ({}) x {:.0f}-{:.0f}, y {:.0f}-{:.0f}", kind, name, state, l, r, t, b);
    }
};

bool intersect(const Box& a, const Box& b) {
    const double w = std::min(a.r, b.r) - std::max(a.l, b.l), h = std::min(a.b, b.b) - std::max(a.t, b.t);
    return w > 0.5 && h > 0.5;  // borders that touch do not cover anything
}

std::vector<Box> parse_boxes(const std::string& dom) {
    std::vector<Box> boxes;
    const auto a = dom.find("<pre id=\"oc-boxes\">");
    const auto z = dom.find("</pre>", a);
    if (a == std::string::npos || z == std::string::npos) return boxes;
    std::istringstream lines(dom.substr(a + 19, z - a - 19));
    for (std::string line; std::getline(lines, line);) {
        std::istringstream in(line);
        Box x;
        if (in >> x.kind >> x.state >> x.name >> x.l >> x.t >> x.r >> x.b) {
            in >> x.extra;
            boxes.push_back(x);
        }
    }
    return boxes;
}

// The part of a graph one can see: its box, clipped by its canvas when that scrolls.
Box visible_svg(const Box& svg, const std::vector<Box>& boxes) {
    for (const Box& c : boxes)
        if (c.kind == "canvas" && c.state == svg.state && c.name == svg.name && c.extra != "visible") {
            Box v = svg;
            v.l = std::max(v.l, c.l), v.t = std::max(v.t, c.t), v.r = std::min(v.r, c.r), v.b = std::min(v.b, c.b);
            return v;
        }
    return svg;
}
}  // namespace

TEST_CASE("html layout: at 1366x900 and 1920x1080 no graph covers a table, and a click zooms a graph to full size") {
    const std::string tag = std::to_string(getpid());
    const fs::path dir = fs::temp_directory_path();
    const fs::path html = dir / ("oc-layout-" + tag + ".html"), probe = dir / ("oc-layout-probe-" + tag + ".html");
    const fs::path profile = dir / ("oc-layout-chromium-" + tag);
    const std::string patch = std::string(ORPHANCHECK_CHECKS) + "/../model/patches/broken/double-decrement.toml";
    const std::string browser = orphancheck::test::find_chromium();
    if (browser.empty() || !orphancheck::reports::have_dot()) {
        MESSAGE("skipped: " << (browser.empty() ? "chromium (/usr/bin/chromium) is" : "Graphviz 'dot' is")
                            << " not installed, the layout is not measured");
        return;
    }
    REQUIRE(orphancheck::test::run_shell(std::string(ORPHANCHECK_BIN) + " check --sockets 1 --linger off --unread no --patch " +
                                             patch + " --html " + html.string() + " >/dev/null 2>&1",
                                         false)
                .code == 1);
    std::ifstream in(html);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    fs::remove(html);
    const auto end = text.rfind("</body>");
    REQUIRE(end != std::string::npos);
    text.insert(end, kProbe);
    std::ofstream(probe) << text;

    for (const auto& window : {std::pair{1366, 900}, std::pair{1920, 1080}}) {
        const int width = window.first, height = window.second;  // not a structured binding: clang 14 cannot capture one
        CAPTURE(width);
        const auto run = orphancheck::test::run_shell(
            "timeout 120 " + browser +
                " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
                "--disable-component-update --disable-sync --hide-scrollbars --user-data-dir=" + profile.string() +
                " --window-size=" + std::to_string(width) + "," + std::to_string(height) + " --dump-dom file://" +
                probe.string() + " 2>/dev/null",
            false);
        CHECK(run.code == 0);
        const std::string& dom = run.out;
        const std::vector<Box> boxes = parse_boxes(dom);
        INFO("chromium printed " << dom.size() << " bytes; probe lines: " << boxes.size());
        REQUIRE(!boxes.empty());
        std::size_t tables = 0, figures = 0;
        for (const Box& b : boxes) {
            if (b.kind == "viewport") {
                INFO("the page was laid out " << b.r << " px wide, not at the window's width");
                CHECK(b.r == width);
            }
            tables += b.kind == "table" && b.state == "fit";
            figures += b.kind == "figure" && b.state == "fit";
        }
        CHECK(tables >= 4);   // configuration, verdicts, statistics, steps
        CHECK(figures >= 2);  // the socket view and a counterexample
        for (const Box& g : boxes) {
            if (g.kind != "figure" && g.kind != "svg") continue;
            const Box seen = g.kind == "svg" ? visible_svg(g, boxes) : g;
            for (const Box& t : boxes)
                if (t.kind == "table" && t.state == g.state && intersect(seen, t))
                    FAIL_CHECK(seen.describe() << " covers " << t.describe() << " at " << width << " px");
            if (g.kind != "svg") continue;
            const double full = std::stod(g.extra) * 96.0 / 72.0;  // the viewBox is in points: 1 pt = 1.333 px
            const double scale = (g.r - g.l) / full;
            if (g.state == "fit") {
                for (const Box& f : boxes)
                    if (f.kind == "figure" && f.state == "fit" && f.name == g.name && (g.l < f.l - 0.5 || g.r > f.r + 0.5))
                        FAIL_CHECK(g.describe() << " is wider than its box " << f.describe());
                MESSAGE(fmt::format("{} px: {}, drawn at {:.0f} % of full size (a 10 pt label is {:.1f} px)", width,
                                    g.describe(), scale * 100, scale * 40 / 3));
            } else {
                INFO(g.describe() << " should be at full size, " << full << " px wide");
                CHECK(scale == doctest::Approx(1.0).epsilon(0.01));
            }
        }
        for (const Box& t : boxes)
            if (t.kind == "table" && t.state == "fit" && t.name.rfind("steps", 0) == 0)
                MESSAGE(width << " px: " << t.describe());
    }
    fs::remove(probe);
    fs::remove_all(profile);
}
