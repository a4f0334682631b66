// Data left to send at close(): with sent data the peer has not acked (--send-queue unacked) our FIN goes out
// behind it, and an ACK of the data alone (the FIN lost) restarts the FIN's retry budget: the orphan lives longer.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "helpers.hpp"
#include "orphancheck/checker/socket_space.hpp"
#include "orphancheck/model/close_path.hpp"

using namespace orphancheck;
using model::EventKind;
using model::RowId;
using model::TcpState;

TEST_CASE("send queue: the MSM machine sends the FIN behind unacked data, and an ACK of the data restarts the retries") {
    model::MsmClosePath m(model::SysctlConfig{});
    const model::GuardInputs calm{};
    model::CloseOpts opts;
    opts.unacked = true;
    const auto close = m.fire(m.initial(), model::close_event(opts), calm);
    REQUIRE(close.enabled);
    CHECK(close.row == RowId::close_fin);
    CHECK(close.next.data.data_ahead);
    CHECK(close.effects.count(model::Effect::send_fin) == 1);
    auto k = m.fire(close.next, model::event_of(EventKind::close_tail), calm).next;
    k = m.fire(k, model::event_of(EventKind::release_sock), calm).next;
    const auto rto = m.fire(k, model::event_of(EventKind::rto_expire), calm);
    REQUIRE(rto.enabled);
    CHECK(rto.next.data.retries == 1);
    const auto ack = m.fire(rto.next, model::event_of(EventKind::rx_data_ack), calm);
    REQUIRE(ack.enabled);
    CHECK(ack.row == RowId::data_ack_fin_wait1);
    CHECK(ack.next.state == TcpState::fin_wait1);
    CHECK(ack.next.data.retries == 0);
    CHECK_FALSE(ack.next.data.data_ahead);
    CHECK_FALSE(m.fire(ack.next, model::event_of(EventKind::rx_data_ack), calm).enabled);  // nothing ahead any more
}

TEST_CASE("send queue: every option and peer behaviour, one socket, with shutdown: all hold, every new row fires") {
    cli::OptionValues opts = test::one_socket_all();
    opts["send-queue"] = "all";
    opts["shutdown"] = "all";
    opts["abort"] = "yes";
    CHECK(checker::explore(test::spec_of(opts)).verdict == checker::Verdict::pass);
    std::set<RowId> rows;
    std::set<EventKind> kinds;
    test::for_each_socket_move(opts, [&](const checker::SockMove& mv) {
        rows.insert(mv.row1);
        if (!checker::is_env_label(mv.label)) kinds.insert(model::kind_of(mv.label));
    });
    for (RowId r : {RowId::data_ack_fin_wait1, RowId::data_ack_closing, RowId::data_ack_last_ack}) {
        INFO("row " << model::row_name(r));
        CHECK(rows.count(r) == 1);
    }
    CHECK(kinds.count(EventKind::shutdown_unacked) == 1);
}

TEST_CASE("send queue: an orphan whose FIN is never delivered lives longer behind unacked data (lifetime)") {
    const auto run = test::run_cli("lifetime --linger off --send-queue all --orphan-retries 1 --hz 250 --our-fin lost "
                                   "--from established --fin-timeout 60 --json -");
    INFO(run.err);
    REQUIRE(run.code == 0);
    const auto j = nlohmann::json::parse(run.out);
    double empty_most = -1, unacked_most = -1, empty_least = -1, unacked_least = -1;
    for (const auto& r : j.at("rows")) {
        const bool unacked = r.at("close").get<std::string>().find("data-unacked") != std::string::npos;
        (unacked ? unacked_most : empty_most) = r.at("gone_seconds").at("max").get<double>();
        (unacked ? unacked_least : empty_least) = r.at("gone_seconds").at("min").get<double>();
    }
    INFO("empty: " << empty_least << "-" << empty_most << " s, unacked: " << unacked_least << "-" << unacked_most << " s");
    REQUIRE(empty_most > 0);
    CHECK(unacked_least == doctest::Approx(empty_least));  // nothing acked: the same retry budget
    CHECK(unacked_most > empty_most + 0.5);                // the data's ACK restarted it once
}

TEST_CASE("send queue: bad input is one line and exit 2") {
    test::check_refused("check --send-queue full", "--send-queue");
    test::check_refused("check --send-queue unsent", "--peer-window closes");
    test::check_refused("check --send-queue unacked --peer-window closes", "--send-queue changes nothing");
}
