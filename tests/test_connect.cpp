// Sockets whose connect() is still in progress (--connecting N): SYN_SENT closes without a segment, is
// counted and uncounted inside close(), times out or is refused into CLOSE, or becomes an open connection.
#include <doctest/doctest.h>

#include <set>

#include "helpers.hpp"

using namespace orphancheck;
using properties::PropertyId;

namespace {
const cli::OptionValues kConnecting = {{"connecting", "1"}, {"sockets", "0"}, {"fin-timeout", "60"},
                                       {"syn-retries", "1"}};
}  // namespace

TEST_CASE("connecting: a socket closed, refused or timed out in SYN_SENT keeps every property") {
    for (const char* linger : {"off", "0", "timeout"}) {
        const auto r = checker::explore(test::spec_of(test::with(kConnecting, "linger", linger)));
        INFO("--linger " << linger << ": " << r.stats.states << " states");
        CHECK(r.verdict == checker::Verdict::pass);
    }
    // Beside an open socket and a listener: all of them together.
    auto opts = kConnecting;
    opts.insert({{"listener", "yes"}, {"accept-queue", "1"}, {"linger", "off"}, {"unread", "no"}});
    CHECK(checker::explore(test::spec_of(opts)).verdict == checker::Verdict::pass);
}

TEST_CASE("connecting: every SYN_SENT row fires, close() there sends nothing and counts +1 -1 inside close()") {
    std::set<model::RowId> seen;
    bool close_silent = true, closed_counted = false;
    test::for_each_socket_move(kConnecting, [&](const checker::SockMove& m) {
        seen.insert(m.row1);
        if (m.row1 == model::RowId::close_syn_sent) close_silent = close_silent && m.delta == 0;
        if (m.row1 == model::RowId::tail_closed) closed_counted = true;
    });
    for (model::RowId r : {model::RowId::close_syn_sent, model::RowId::syn_ack_syn_sent, model::RowId::syn_rto_syn_sent,
                           model::RowId::syn_timeout_syn_sent, model::RowId::rst_syn_sent}) {
        INFO("row " << model::row_name(r));
        CHECK(seen.count(r) == 1);
    }
    CHECK(close_silent);
    CHECK(closed_counted);
}

TEST_CASE("connecting: an RST at close() in SYN_SENT breaks rst-discipline, a lost SYN timer timer-armed") {
    auto spec = test::spec_of(kConnecting, {"rst-discipline"});
    spec.patch.name = "syn-sent-close-resets";
    spec.patch.edits.push_back({model::RowEdit::Kind::add_effect, model::RowId::close_syn_sent, model::Effect::send_rst});
    const auto r = checker::explore(spec);
    REQUIRE(r.verdict == checker::Verdict::fail);
    const auto& p = test::result_of(r, PropertyId::rst_discipline);
    REQUIRE(p.counterexample.has_value());
    CHECK(p.counterexample->steps.back().rows.find("close_syn_sent") != std::string::npos);

    auto no_timer = test::spec_of(kConnecting, {"timer-armed"});
    no_timer.patch.name = "no-syn-timer";
    for (model::RowId row : {model::RowId::syn_rto_syn_sent, model::RowId::syn_timeout_syn_sent})
        no_timer.patch.edits.push_back({model::RowEdit::Kind::remove_row, row});
    CHECK(checker::explore(no_timer).verdict == checker::Verdict::fail);
}

TEST_CASE("connecting: symmetry and the MSM engine agree") {
    auto opts = kConnecting;
    opts["connecting"] = "2";
    opts.insert({{"linger", "off"}, {"unread", "no"}});
    const auto sym = checker::explore(test::spec_of(opts));
    const auto plain = checker::explore(test::spec_of(test::with(opts, "symmetry", "no")));
    CHECK(sym.verdict == plain.verdict);
    CHECK(sym.stats.states < plain.stats.states);
    const auto table = checker::explore(test::spec_of(kConnecting));
    const auto msm = checker::explore(test::spec_of(test::with(kConnecting, "engine", "msm")));
    CHECK(table.stats.states == msm.stats.states);
    CHECK(table.stats.transitions == msm.stats.transitions);
}

TEST_CASE("connecting: bad input is one line and exit 2") {
    test::check_refused("check --syn-retries 2", "connecting sockets");
    test::check_refused("check --connecting 15", "--connecting");
    test::check_refused("check --connecting 1 --sockets 14", "at most 14");
    test::check_refused("check --connecting 1 --abort yes", "tcp_abort");
    test::check_refused("lifetime --connecting 1", "connecting");
}
