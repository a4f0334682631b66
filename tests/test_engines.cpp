// The table engine and the MSM-in-the-loop engine explore the same graph.
#include <doctest/doctest.h>

#include "helpers.hpp"

using namespace orphancheck;

namespace {
void check_same(cli::OptionValues opts, const model::TablePatch& patch = {}) {
    opts["engine"] = "table";
    auto spec = test::spec_of(opts);
    spec.patch = patch;
    const auto table = checker::explore(spec);
    opts["engine"] = "msm";
    spec = test::spec_of(opts);
    spec.patch = patch;
    const auto msm = checker::explore(spec);
    CHECK(table.stats.states == msm.stats.states);
    CHECK(table.stats.transitions == msm.stats.transitions);
    CHECK(table.stats.depth == msm.stats.depth);
    CHECK(table.stats.socket_configs == msm.stats.socket_configs);
    CHECK(table.verdict == msm.verdict);
    CHECK(table.stats.states > 1000);
}
}  // namespace

TEST_CASE("engines agree: one socket, every option") { check_same(test::one_socket_all()); }

TEST_CASE("engines agree: two sockets, lean peer") { check_same(test::two_sockets_lean()); }

TEST_CASE("engines agree: orphan_retries 0 (means 8), tw overflow, memory pressure") {
    check_same({{"sockets", "1"}, {"orphan-retries", "0"}, {"max-tw-buckets", "0"}, {"memory-pressure", "all"}});
}

TEST_CASE("engines agree: shutdown(SHUT_WR) before close(), every option and peer window, tcp_abort") {
    check_same(test::with(test::with(test::with(test::one_socket_all(), "shutdown", "all"), "peer-window", "all"), "abort",
                          "yes"));
    check_same(test::with(test::two_sockets_lean(), "shutdown", "wr"));
}

TEST_CASE("engines agree: unacked data ahead of the FIN") {
    check_same(test::with(test::with(test::one_socket_all(), "send-queue", "all"), "shutdown", "all"));
}

TEST_CASE("engines agree on a patched model") {
    model::TablePatch p{"no-keepalive-rst", {{model::RowEdit::Kind::remove_row, model::RowId::keepalive_rst}}};
    check_same(test::one_socket_all(), p);
}
