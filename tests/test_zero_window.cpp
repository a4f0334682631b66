// Zero-window orphans: the FIN waits behind the peer's closed window and the
// probe timer (tcp_probe_timer) decides the socket's fate.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "helpers.hpp"
#include "orphancheck/checker/explorer.hpp"

using namespace orphancheck;
using checker::Status;
using properties::PropertyId;

namespace {
// One orphan closed normally behind a zero window, a peer that answers every probe and does nothing else.
cli::OptionValues answered_probes(const std::string& retries2) {
    return {{"sockets", "1"},   {"peer-window", "closes"}, {"tcp-retries2", retries2}, {"linger", "off"},
            {"unread", "no"},   {"peer-fin", "no"},        {"peer-rst", "no"},         {"peer-data", "no"},
            {"loss", "no"},     {"orphan-retries", "0"}};
}

bool cycle_has_row(const checker::Trace& t, const std::string& row) {
    for (std::size_t i = std::size_t(std::max(t.cycle_start, 0)); i < t.steps.size(); ++i)
        if (t.steps[i].rows.find(row) != std::string::npos) return true;
    return false;
}
}  // namespace

TEST_CASE("zero window: with tcp_retries2 <= 9 an answered orphan probes forever (eventually-destroyed lasso)") {
    const auto r = checker::explore(test::spec_of(answered_probes("9")));
    REQUIRE(r.verdict == checker::Verdict::fail);
    const auto& live = test::result_of(r, PropertyId::eventually_destroyed);
    REQUIRE(live.status == Status::violated);
    REQUIRE(live.counterexample.has_value());
    const checker::Trace& t = *live.counterexample;
    INFO("lasso starts at step " << t.cycle_start << " of " << t.steps.size());
    CHECK(t.cycle_start > 0);
    // The cycle is a probe and its answer, with the backoff stuck below RTO_MAX (9 < 10).
    CHECK(cycle_has_row(t, "probe_fin_wait1"));
    CHECK(cycle_has_row(t, "window_ack_fin_wait1"));
    CHECK(t.steps.back().state.find("backoff=9") != std::string::npos);
    // Every other property holds: the socket is counted once and has its timer.
    for (const auto& p : r.properties) {
        INFO(properties::info(p.id).name);
        if (p.id != PropertyId::eventually_destroyed) CHECK(p.status == Status::holds);
    }
}

TEST_CASE("zero window: with tcp_retries2 >= 10 the backoff reaches RTO_MAX and the orphan is aborted") {
    const auto r = checker::explore(test::spec_of(answered_probes("10,15")));
    for (const auto& p : r.properties) {
        INFO(properties::info(p.id).name);
        CHECK(p.status == Status::holds);
    }
    CHECK(r.verdict == checker::Verdict::pass);
}

TEST_CASE("zero window: every option and peer behaviour (one socket), a quiet peer (two sockets): all hold") {
    const cli::OptionValues one = {{"sockets", "1"},        {"peer-window", "all"}, {"orphan-retries", "0,1"},
                                   {"max-orphans", "all"},  {"linger", "all"},      {"unread", "no"}};
    const cli::OptionValues two = {{"sockets", "2"},   {"peer-window", "closes"}, {"linger", "off"}, {"unread", "no"},
                                   {"peer-data", "no"}, {"peer-rst", "no"},       {"fin-timeout", "60"}};
    for (const auto& o : {one, two}) {
        INFO(o.at("sockets") << " socket(s)");
        const auto r = checker::explore(test::spec_of(o));
        for (const auto& p : r.properties) {
            INFO(properties::info(p.id).name);
            CHECK(p.status == Status::holds);
        }
        CHECK(r.verdict == checker::Verdict::pass);
    }
}

TEST_CASE("zero window: an unanswered orphan dies at its second probe with tcp_orphan_retries 1 (lifetime)") {
    // Measured (errata row 37): tcp_orphan_retries=1, a peer that does not answer: dead at 0.93 s, no RST.
    // The model starts the probe timer at close(): first probe after one RTO, abort at the next expiry.
    const auto run = test::run_cli(
        "lifetime --peer-window closes --linger off --orphan-retries 1 --fin-timeout 60 --from established "
        "--peer-fin no --peer-rst no --peer-data no --json -");
    INFO(run.err);
    REQUIRE(run.code == 0);
    const auto j = nlohmann::json::parse(run.out);
    REQUIRE(j.at("rows").size() == 1);
    const auto& gone = j.at("rows")[0].at("gone_seconds");
    INFO(gone.dump());
    // Least: the window opens at once and the normal FIN path ends in a 60 s bucket, or both probes go
    // unanswered: 0.2 + 0.4 s. Most: bounded (every path ends), and the kill needs at most two probe intervals
    // when nothing is answered.
    CHECK(gone.at("min").get<double>() == doctest::Approx(0.6).epsilon(0.01));
    REQUIRE(gone.contains("max"));
    CHECK(gone.at("max").is_number());
}

TEST_CASE("zero window: bad input is one line and exit 2") {
    for (const auto& [args, names] : std::vector<std::pair<std::string, std::string>>{
             {"check --peer-window half", "--peer-window: unknown value 'half'"},
             {"check --peer-window closes --tcp-retries2 16", "--tcp-retries2: 16 is out of range 0..15"},
             {"check --peer-window closes --tcp-retries2 -1", "--tcp-retries2"},
             {"check --tcp-retries2 9", "--tcp-retries2 changes nothing here"},
             {"lifetime --peer-window zero", "--peer-window: unknown value 'zero'"},
         })
        test::check_refused(args, names);
}

TEST_CASE("zero window: the shipped check fails only eventually-destroyed, with the probe lasso") {
    const auto r = test::run_cli(std::string("check --config ") + ORPHANCHECK_CHECKS + "/zero-window-orphans.toml");
    INFO(r.out << r.err);
    CHECK(r.code == 1);
    CHECK(r.out.find("eventually-destroyed     violated") != std::string::npos);
    for (const char* p : {"orphan-balance", "counter-zero-at-end", "timer-armed"}) {
        INFO(p);
        const auto at = r.out.find(std::string("  ") + p);
        REQUIRE(at != std::string::npos);
        CHECK(r.out.substr(at, r.out.find('\n', at) - at).find("holds") != std::string::npos);
    }
    CHECK(r.out.find("-- cycle starts here") != std::string::npos);
    CHECK(r.out.find("backoff=9") != std::string::npos);
    CHECK(r.out.find("tcp_retries2=9") != std::string::npos);
}
