// The HTML report in a real headless browser (Debian's chromium): it loads
// and shows the verdict table, the statistics and the diagrams.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "cli_run.hpp"
#include "orphancheck/reports/dot.hpp"

using orphancheck::test::find_chromium;
using orphancheck::test::run_shell;

TEST_CASE("html: the report of a failing check renders in headless chromium with table, stats and SVGs") {
    const std::string html = std::string(std::getenv("PWD") ? std::getenv("PWD") : ".") + "/oc_test_report.html";
    const std::string patch = std::string(ORPHANCHECK_CHECKS) + "/../model/patches/broken/double-decrement.toml";
    REQUIRE(run_shell(std::string(ORPHANCHECK_BIN) + " check --sockets 1 --patch " + patch + " --html " + html + " >/dev/null 2>&1",
                      false).code == 1);
    std::ifstream in(html);
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    CHECK(text.find("id=\"verdict-table\"") != std::string::npos);
    CHECK(text.find("counter-never-negative") != std::string::npos);
    // Self-contained: no scripts or style sheets to fetch, no URL but the SVG/XLink namespaces.
    CHECK(text.find("<script") == std::string::npos);
    CHECK(text.find("<link") == std::string::npos);
    for (std::size_t pos = text.find("http"); pos != std::string::npos; pos = text.find("http", pos + 1)) {
        const std::string url = text.substr(pos, 24);
        INFO(url);
        CHECK(url.rfind("http://www.w3.org/", 0) == 0);
    }
    const std::string browser = find_chromium();
    if (browser.empty() || !orphancheck::reports::have_dot()) {
        MESSAGE("skipped the browser part: chromium or Graphviz is not installed");
        std::remove(html.c_str());
        return;
    }
    const std::string profile = "oc_test_chromium_profile";
    const auto run = run_shell(browser + " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
                                         "--disable-background-networking --disable-component-update --disable-sync "
                                         "--user-data-dir=" + profile + " --dump-dom file://" + html + " 2>/dev/null",
                               false);
    CHECK(run.code == 0);
    const std::string& dom = run.out;
    CHECK(dom.find("<table id=\"verdict-table\">") != std::string::npos);
    CHECK(dom.find("violated") != std::string::npos);
    CHECK(dom.find("id=\"stats\"") != std::string::npos);
    CHECK(dom.find("id=\"socket-view\"") != std::string::npos);
    std::size_t svgs = 0;
    for (std::size_t pos = dom.find("<svg"); pos != std::string::npos; pos = dom.find("<svg", pos + 1)) ++svgs;
    CHECK(svgs >= 2);  // the socket view and at least one counterexample graph
    CHECK(dom.find("FIN_WAIT1") != std::string::npos);
    std::remove(html.c_str());
    std::system(("rm -rf " + profile).c_str());
}
