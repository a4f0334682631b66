// bench_explore --svg (issue 18): states and seconds against the socket count, one line per configuration, in an
// SVG that parses as XML; a file that cannot be written is refused before any run.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "cli_run.hpp"

using orphancheck::test::run_shell;


TEST_CASE("bench chart: bench_explore --svg draws one line per configuration in each panel") {
    if (!std::ifstream(ORPHANCHECK_BENCH).good()) {
        MESSAGE("skipped: bench_explore is not built in this tree (CI's sanitizer build makes the test binaries only)");
        return;
    }
    const std::string svg = "/tmp/oc-bench-" + std::to_string(::getpid()) + ".svg";
    const auto run = run_shell(std::string(ORPHANCHECK_BENCH) + " --budget 60 --configs lean,silent --max-sockets 2 --svg " + svg);
    INFO(run.out);
    REQUIRE(run.code == 0);
    // Two panels (states, seconds) x two configurations, each line with a point per socket count.
    const auto count = run_shell("/usr/bin/python3 -c \"import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); "
                                 "print(' '.join(p.getAttribute('data-name') + ':' + str(len(p.getAttribute('points').split())) "
                                 "for p in d.getElementsByTagName('polyline')))\" " + svg);
    std::remove(svg.c_str());
    CHECK(count.out == "lean:2 silent:2 lean:2 silent:2\n");
    const auto bad = run_shell(std::string(ORPHANCHECK_BENCH) + " --svg /nonexistent-dir/b.svg");
    CHECK(bad.out.find("bench_explore: ") == 0);
    CHECK(bad.code == 2);
}
