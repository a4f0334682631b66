// What `lifetime` says about its own options (issue 18): the socket count, limits as given, a TCP_RTO_MIN other
// than the kernel's, and close() from CLOSE_WAIT with a peer that never closes.
#include <doctest/doctest.h>

#include "cli_run.hpp"

using orphancheck::test::run_cli;

TEST_CASE("lifetime wording: the socket count, the limits as given, --rto-min-ms, --from close-wait without a peer FIN") {
    const auto two = run_cli("lifetime --sockets 2 --linger off --fin-timeout 60");
    INFO(two.out);
    CHECK(two.out.find("one socket of 2 (the others share tcp_max_orphans and tcp_max_tw_buckets with it) after close()") == 0);
    const auto big = run_cli("lifetime --max-orphans 131072 --linger off --fin-timeout 60");
    INFO(big.out);
    CHECK(big.out.find("tcp_max_orphans=131072 tcp_max_tw_buckets=65536") != std::string::npos);  // not the folded 255
    const auto rto = run_cli("lifetime --rto-min-ms 1000 --linger off --fin-timeout 60");
    INFO(rto.out);
    CHECK(rto.out.find("note: --rto-min-ms 1000 reads a kernel whose TCP_RTO_MIN is 1000 ms") != std::string::npos);
    CHECK(run_cli("lifetime --linger off --fin-timeout 60").out.find("note:") == std::string::npos);
    const auto cw = run_cli("lifetime --from close-wait");
    CHECK(cw.code == 2);
    CHECK(cw.out.empty());
    CHECK(cw.err == "orphancheck: error: --from close-wait: close() in CLOSE_WAIT needs a peer that closes first: add "
                    "--peer-fin yes\n");
    CHECK(run_cli("lifetime --from close-wait --peer-fin yes --linger off --fin-timeout 60").out.find("from CLOSE_WAIT") !=
          std::string::npos);
}
