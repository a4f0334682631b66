// Issue 14: the tail-loss probe as a move of its own (--loss-probe yes; errata O4). Before the first RTO
// expiry the FIN is sent again by tcp_send_loss_probe, which counts no retransmission, and the RTO runs from it.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "helpers.hpp"
#include "patch_file.hpp"

using namespace orphancheck;
using model::RowId;
using properties::PropertyId;

namespace {
bool is_loss_probe_row(RowId r) {
    return r == RowId::loss_probe_fin_wait1 || r == RowId::loss_probe_closing || r == RowId::loss_probe_last_ack;
}
bool is_rto_row(RowId r) {
    const std::string name(model::row_name(r));
    return name.rfind("rto_", 0) == 0 || name.rfind("timeout_", 0) == 0;
}
}  // namespace

TEST_CASE("loss probe: one socket, every option: the probe rows fire, count no retransmission, come before any RTO") {
    const auto opts = test::with(test::with(test::one_socket_all(), "loss-probe", "yes"), "abort", "yes");
    int probes = 0;
    std::string wrong;
    for (const checker::CaseConfig& c : test::spec_of(opts).cases) {
        checker::SocketSpace sp(c, checker::Engine::table, {});
        sp.complete(1);
        for (std::size_t i = 0; i < sp.size(); ++i)
            for (int gin : sp.guard_inputs(1))
                for (const checker::SockMove& m : sp.moves(checker::Combo(i), gin)) {
                    const model::LocalKey from = sp.local(checker::Combo(i)), to = sp.local(m.next);
                    if (is_loss_probe_row(m.row1)) {
                        ++probes;
                        if (to.data.retries != from.data.retries || to.state != from.state || !to.data.tlp_sent)
                            wrong = "a loss probe " + model::describe(from) + " -> " + model::describe(to);
                    }
                    // While a probe is pending (nothing retransmitted yet, no probe sent) the RTO is not armed.
                    if (is_rto_row(m.row1) && from.data.retries == 0 && !from.data.tlp_sent && !from.data.window_wait)
                        wrong = std::string("RTO row ") + std::string(model::row_name(m.row1)) + " fired from " +
                                model::describe(from) + " before the loss probe";
                }
    }
    INFO(wrong);
    CHECK(wrong.empty());
    CHECK(probes > 0);
    const auto r = checker::explore(test::spec_of(opts));
    for (const auto& p : r.properties) {
        INFO("property " << properties::info(p.id).name);
        CHECK(p.status == checker::Status::holds);
    }
}

TEST_CASE("loss probe: without --loss-probe yes no probe row fires") {
    bool fired = false;
    test::for_each_socket_move(test::one_socket_all(), [&](const checker::SockMove& m) { fired |= is_loss_probe_row(m.row1); });
    CHECK_FALSE(fired);
}

TEST_CASE("loss probe: a kernel that arms the probe but never sends it leaves an orphan without a timer") {
    // The RTO waits for the probe: removing the probe rows leaves the FIN_WAIT1 orphan with nothing to fire.
    model::TablePatch p{"no-loss-probe-sent", {{model::RowEdit::Kind::remove_row, RowId::loss_probe_fin_wait1}}};
    auto spec = test::spec_of({{"sockets", "1"}, {"loss-probe", "yes"}}, {"timer-armed"});
    spec.patch = p;
    const auto r = checker::explore(spec);
    const auto& t = test::result_of(r, PropertyId::timer_armed);
    REQUIRE(t.status == checker::Status::violated);
    REQUIRE(t.counterexample.has_value());
    CHECK(t.counterexample->note.find("nor a loss probe") != std::string::npos);
}

TEST_CASE("loss probe: lifetime times it, the measured retry kills lie inside, tighter than without it") {
    // errata row 34 (HZ 250): 1.68, 3.35, 6.66 and 106.9 s for tcp_orphan_retries 1, 2, 3 and 0.
    const std::pair<int, double> measured[] = {{1, 1.68}, {2, 3.35}, {3, 6.66}, {0, 106.9}};
    for (const auto& m : measured) {  // (clang 14: no structured bindings in INFO's capture)
        const int r = m.first;
        const double seconds = m.second;
        double ratio[2] = {0, 0};
        for (const char* probe : {"yes", "no"}) {
            const auto run = test::run_cli("lifetime --linger off --our-fin lost --from established --fin-timeout 60 --hz 250 "
                                           "--json - --orphan-retries " + std::to_string(r) + " --loss-probe " + probe);
            INFO("tcp_orphan_retries " << r << " --loss-probe " << probe << ": " << run.err);
            REQUIRE(run.code == 0);
            const auto row = nlohmann::json::parse(run.out).at("rows").at(0);
            const double lo = row.at("gone_seconds").at("min").get<double>();
            const double hi = row.at("gone_seconds").at("max").get<double>();
            INFO(lo << "-" << hi << " s, measured " << seconds << " s");
            CHECK(lo <= seconds);
            CHECK(hi >= seconds);
            ratio[std::string(probe) == "yes" ? 0 : 1] = hi / lo;
        }
        CHECK(ratio[0] <= 1.15);
        CHECK(ratio[0] < ratio[1]);
    }
}

TEST_CASE("loss probe: bad or pointless values are one line and exit 2") {
    test::check_refused("check --loss-probe maybe", "--loss-probe");
    test::check_refused("check --sockets 1 --loss-probe yes --peer-window closes", "--loss-probe yes changes nothing");
}

TEST_CASE("shipped loss-probe check: checks/loss-probe-orphans.toml passes with loss probes in its cases") {
    const auto run = test::run_cli(std::string("check --config ") + ORPHANCHECK_CHECKS + "/loss-probe-orphans.toml --json -");
    INFO(run.err);
    CHECK(run.code == 0);
    const auto j = nlohmann::json::parse(run.out);
    CHECK(j.at("verdict") == "pass");
    for (const auto& c : j.at("config").at("cases")) CHECK(c.at("loss_probe") == true);
}
