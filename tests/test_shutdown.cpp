// shutdown(SHUT_WR) before close(): the FIN goes out with the file still open, the socket is not an orphan
// until close(), and close() from whichever state it reached counts it exactly once.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
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

namespace {
std::string status_of(const nlohmann::json& report, const std::string& property) {
    for (const auto& p : report.at("properties"))
        if (p.at("name") == property) return p.at("status");
    return "absent";
}

// Rows that fire anywhere in the explored socket configurations of `opts` (every case, every guard input).
std::set<RowId> rows_fired(const cli::OptionValues& opts) {
    std::set<RowId> rows;
    test::for_each_socket_move(opts, [&](const checker::SockMove& m) {
        rows.insert(m.row1);
        rows.insert(m.row2);
    });
    return rows;
}

bool is_shutdown_row(std::string_view name) {
    return name.starts_with("shutdown_") || name.starts_with("close_shut_") || name.ends_with("_shut") ||
           (name.starts_with("abort_") && name.ends_with("_linger"));
}

// A patch file with one edit of `row`, in a scratch file removed at scope exit.
struct PatchFile {
    std::string path;
    PatchFile(const std::string& row, const std::string& edit) {
        path = "oc_shutdown_patch_" + std::to_string(getpid()) + "_" + row + ".toml";
        std::ofstream(path) << "name = \"test-" << row << "\"\n[[edit]]\nrow = \"" << row << "\"\n" << edit << "\n";
    }
    ~PatchFile() { std::remove(path.c_str()); }
};
constexpr const char* kLean = "check --sockets 1 --linger off --unread no --peer-rst no --fin-timeout 60 --json - ";
}  // namespace

TEST_CASE("shutdown: the MSM machine sends the FIN with the file open, close() later orphans without a second FIN") {
    model::MsmClosePath m(model::SysctlConfig{});
    const model::GuardInputs calm{};
    const auto shut = m.fire(m.initial(), model::event_of(EventKind::shutdown), calm);
    REQUIRE(shut.enabled);
    CHECK(shut.row == RowId::shutdown_fin);
    CHECK(shut.next.state == TcpState::fin_wait1);
    CHECK_FALSE(shut.next.data.dead);
    CHECK(shut.effects.count(model::Effect::send_fin) == 1);
    CHECK(shut.effects.count(model::Effect::orphan_inc) == 0);
    CHECK_FALSE(m.fire(shut.next, model::event_of(EventKind::shutdown), calm).enabled);  // tcp_shutdown: no-op now

    // The peer's data is received as in ESTABLISHED (only SEND_SHUTDOWN is set): no reset.
    const auto data = m.fire(shut.next, model::event_of(EventKind::rx_data), calm);
    REQUIRE(data.enabled);
    CHECK(data.row == RowId::data_fin_wait1_shut);
    CHECK(data.next == shut.next);
    CHECK(data.effects.count(model::Effect::send_rst) == 0);

    const auto close = m.fire(shut.next, model::close_event({}), calm);
    REQUIRE(close.enabled);
    CHECK(close.row == RowId::close_shut_fin_wait1);
    CHECK(close.next.state == TcpState::fin_wait1);
    CHECK(close.next.data.dead);
    CHECK(close.effects.count(model::Effect::send_fin) == 0);
    const auto tail = m.fire(close.next, model::event_of(EventKind::close_tail), calm);
    REQUIRE(tail.enabled);
    CHECK(tail.row == RowId::tail_fin_wait1);
    CHECK(tail.effects.count(model::Effect::orphan_inc) == 1);
}

TEST_CASE("shutdown: every option and peer behaviour, one socket: all properties hold, every shutdown row fires") {
    cli::OptionValues opts = test::one_socket_all();
    opts["shutdown"] = "all";
    opts["peer-window"] = "all";
    opts["abort"] = "yes";
    const auto result = checker::explore(test::spec_of(opts));
    INFO(result.incomplete_reason);
    CHECK(result.verdict == checker::Verdict::pass);

    std::set<RowId> fired = rows_fired(opts);
    for (RowId r : rows_fired(test::with(test::with(opts, "peer-window", "open"), "fin-alloc-fail", "yes")))
        fired.insert(r);
    int rows = 0;
    for (int i = 0; i < model::kRows; ++i) {
        const std::string_view name = model::row_name(RowId(i));
        if (!is_shutdown_row(name)) continue;
        ++rows;
        INFO("row " << name << " never fires with --shutdown all");
        CHECK(fired.count(RowId(i)) == 1);
    }
    CHECK(rows == 30);
}

TEST_CASE("shutdown: wr alone never close()s an open connection first, and no never shuts down") {
    for (const char* choice : {"wr", "no"}) {
        INFO("--shutdown " << choice);
        const auto spec = test::spec_of({{"sockets", "1"}, {"shutdown", choice}, {"peer-window", "all"}});
        checker::SocketSpace sp(spec.cases.front(), checker::Engine::table, {});
        sp.complete(1);
        int shutdowns = 0, closes_first = 0, shut_open = 0;
        for (std::size_t i = 0; i < sp.size(); ++i) {
            const model::LocalKey k = sp.local(checker::Combo(i));
            const bool unshut = k.state == TcpState::established || k.state == TcpState::close_wait;
            shut_open += model::is_orphan_state(k.state) && !k.data.dead && !k.data.lingering ? 1 : 0;
            for (int gin : sp.guard_inputs(1))
                for (const checker::SockMove& m : sp.moves(checker::Combo(i), gin)) {
                    if (checker::is_env_label(m.label)) continue;
                    const EventKind kind = model::kind_of(m.label);
                    shutdowns += kind == EventKind::shutdown || kind == EventKind::shutdown_zero_window ? 1 : 0;
                    closes_first += kind == EventKind::close && unshut ? 1 : 0;
                }
        }
        if (std::string(choice) == "wr") {
            CHECK(shutdowns > 0);
            CHECK(shut_open > 0);
            CHECK(closes_first == 0);
        } else {
            CHECK(shutdowns == 0);
            CHECK(shut_open == 0);
            CHECK(closes_first > 0);
        }
    }
}

TEST_CASE("shutdown: a socket counted at shutdown(), or twice after it, is caught") {
    // The counter is the orphans': a shut-down socket whose file is open is not one.
    const PatchFile at_shutdown("shutdown_fin", "add_effect = \"orphan_inc\"");
    auto run = test::run_cli(std::string(kLean) + "--shutdown wr --patch " + at_shutdown.path);
    INFO(run.err);
    REQUIRE(run.code == 1);
    auto j = nlohmann::json::parse(run.out);
    CHECK(status_of(j, "orphan-classification") == "violated");
    bool shown = false;
    for (const auto& p : j.at("properties"))
        if (p.at("name") == "orphan-classification")
            for (const auto& s : p.at("counterexample").at("steps"))
                shown = shown || s.at("rows").get<std::string>().find("shutdown_fin") != std::string::npos;
    CHECK(shown);

    // close() after shutdown counts once: an increment at the close() row as well as at the tail is a second one.
    const PatchFile twice("close_shut_fin_wait2", "add_effect = \"orphan_inc\"");
    run = test::run_cli(std::string(kLean) + "--shutdown wr --patch " + twice.path);
    INFO(run.err);
    REQUIRE(run.code == 1);
    j = nlohmann::json::parse(run.out);
    CHECK(status_of(j, "single-increment") == "violated");

    // shutdown() must be accepted wherever the application may call it (a removed row was a mutant no property saw).
    const PatchFile no_shutdown("shutdown_fin", "remove = true");
    run = test::run_cli(std::string(kLean) + "--shutdown all --patch " + no_shutdown.path);
    INFO(run.err);
    REQUIRE(run.code == 1);
    j = nlohmann::json::parse(run.out);
    CHECK(status_of(j, "close-progress") == "violated");

    // Unpatched, the same runs hold, and the JSON names the choice.
    run = test::run_cli(std::string(kLean) + "--shutdown all");
    CHECK(run.code == 0);
    j = nlohmann::json::parse(run.out);
    CHECK(j.at("config").at("cases").at(0).at("shutdown") == nlohmann::json::array({"no", "wr"}));
}

TEST_CASE("shutdown: bad input is one line and exit 2") {
    test::check_refused("check --shutdown rd", "--shutdown");
    test::check_refused("check --shutdown wr,maybe", "--shutdown");
    test::check_refused("lifetime --shutdown wr", "--shutdown wr");
}

TEST_CASE("shipped shutdown check: checks/shutdown-then-close.toml passes with both choices in its cases") {
    const auto run = test::run_cli(std::string("check --config ") + ORPHANCHECK_CHECKS + "/shutdown-then-close.toml --json -");
    INFO(run.err);
    CHECK(run.code == 0);
    const auto j = nlohmann::json::parse(run.out);
    CHECK(j.at("verdict") == "pass");
    for (const auto& c : j.at("config").at("cases")) CHECK(c.at("shutdown") == nlohmann::json::array({"no", "wr"}));
}
