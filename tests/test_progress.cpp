// --progress and --progress-interval (issue 18): off unless asked; where stderr is not a terminal (a CI log,
// nohup) one log line per interval, each saying what was observed (states, rate, memory against the limit).
#include <doctest/doctest.h>

#include <sstream>

#include "cli_run.hpp"

using orphancheck::test::run_cli;

TEST_CASE("progress: not on a terminal, one log line per --progress-interval with states, rate and memory against the limit") {
    const auto r = run_cli("check --sockets 3 --quiet --progress-interval 0.2 --time-limit 1.5 --memory-limit 1G");
    INFO(r.err);
    CHECK(r.err.find('\r') == std::string::npos);  // no line rewritten in place in a log
    int lines = 0;
    std::istringstream in(r.err);
    for (std::string line; std::getline(in, line);)
        if (line.rfind("orphancheck: progress: ", 0) == 0) {
            ++lines;
            CHECK(line.find(" M states (+") != std::string::npos);
            CHECK(line.find("MiB of 1024 MiB (") != std::string::npos);
            CHECK(line.find(" of 2 s") != std::string::npos);  // the time limit, as given (1.5 s shown rounded)
        }
    CHECK(lines >= 3);
    CHECK(r.code == 3);  // the time limit: incomplete
}

TEST_CASE("progress: without --progress nothing is printed on standard error, a bad interval is one line and exit 2") {
    const auto quiet = run_cli("check --sockets 1 --quiet");
    CHECK(quiet.code == 0);
    CHECK(quiet.err.empty());
    orphancheck::test::check_refused("check --sockets 1 --progress-interval 0", "--progress-interval: 0 is out of range 0.1..3600 seconds");
    // mutate's first two progress lines (0.1 s apart once the first mutant is decided); then `head` leaves and
    // the next line ends mutate (SIGPIPE): the whole run takes minutes, more under a sanitizer.
    const auto mutate = orphancheck::test::run_shell(std::string("(timeout -s INT 300 ") + ORPHANCHECK_BIN +
                                                     " mutate --sockets 1 --linger off --linger2 sysctl --max-orphans 1 "
                                                     "--max-tw-buckets 1 --memory-pressure no --progress-interval 0.1 2>&1 "
                                                     ">/dev/null) | head -n 2");
    INFO(mutate.out);
    CHECK(mutate.out.find("orphancheck: progress: ") == 0);
    CHECK(mutate.out.find(" mutants\n") != std::string::npos);
}
