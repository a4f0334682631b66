// Errata O7: short of atomic memory, tcp_send_fin may fail to allocate the FIN and give up. With
// --fin-alloc-fail the checker shows what follows: close() sends no FIN, the orphan has no timer, and
// it can live forever.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "helpers.hpp"
#include "orphancheck/model/rows.hpp"

using namespace orphancheck;

namespace {
std::string status_of(const nlohmann::json& report, const std::string& property) {
    for (const auto& p : report.at("properties"))
        if (p.at("name") == property) return p.at("status");
    return "absent";
}
constexpr const char* kCase =
    "check --sockets 1 --linger off --unread no --peer-data no --peer-rst no --fin-timeout 60 --json - ";
}  // namespace

TEST_CASE("fin-alloc-fail: close() that cannot allocate its FIN leaves an orphan without a timer, forever") {
    const auto run = test::run_cli(std::string(kCase) + "--fin-alloc-fail yes");
    INFO(run.err);
    REQUIRE(run.code == 1);
    const auto j = nlohmann::json::parse(run.out);
    CHECK(status_of(j, "timer-armed") == "violated");
    CHECK(status_of(j, "eventually-destroyed") == "violated");
    CHECK(status_of(j, "rfc-transitions") == "violated");  // the RFC sends a FIN at close()
    // The counter stays balanced: the orphan is counted once and, if it ever dies, uncounted once.
    CHECK(status_of(j, "orphan-balance") == "holds");
    CHECK(status_of(j, "counter-never-negative") == "holds");
    // The timer-armed counterexample ends in the timer-less orphan.
    bool shown = false;
    for (const auto& p : j.at("properties"))
        if (p.at("name") == "timer-armed") {
            const auto& steps = p.at("counterexample").at("steps");
            shown = steps.back().at("state").get<std::string>().find("no-FIN-queued") != std::string::npos;
            bool row = false;
            for (const auto& s : steps) row = row || s.at("rows").get<std::string>().find("close_fin_alloc_failed") != std::string::npos;
            CHECK(row);
        }
    CHECK(shown);
}

TEST_CASE("fin-alloc-fail: without it, the same case holds, where nothing is allocated it is refused") {
    const auto run = test::run_cli(kCase);
    INFO(run.err);
    CHECK(run.code == 0);
    test::check_refused("check --fin-alloc-fail yes --peer-window closes",
                        "--fin-alloc-fail yes changes nothing with --peer-window closes only");
    test::check_refused("check --fin-alloc-fail maybe", "--fin-alloc-fail");
}

TEST_CASE("fin-alloc-fail: the rows exist in the MSM table with their kernel function") {
    for (const auto row : {model::RowId::close_fin_alloc_failed, model::RowId::close_fin_linger_alloc_failed,
                           model::RowId::close_wait_fin_alloc_failed, model::RowId::close_wait_fin_linger_alloc_failed}) {
        INFO(model::row_name(row));
        CHECK(model::row_kernel_function(row) == "tcp_send_fin");
    }
}
