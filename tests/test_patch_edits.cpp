// Issue 15: every patch edit changes what the checker explores, or is refused. Each effect with behaviour,
// dropped from a row that has it and added to one that lacks it, and each edit kind, gives a distinguishing
// trace against the unpatched model; every label-only effect is refused with its reason. And `diff` never
// calls two models equivalent when a verdict differs, over every case study and broken patch shipped.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "helpers.hpp"
#include "orphancheck/analysis/model_diff.hpp"
#include "orphancheck/model/guard_expr.hpp"
#include "orphancheck/model/row_effects.hpp"
#include "orphancheck/model/socket_table.hpp"
#include "orphancheck/reports/diff_report.hpp"
#include "patch_file.hpp"

using namespace orphancheck;
using model::Effect;
using model::RowEdit;
using model::RowId;

namespace {
// The unpatched model against the model with one edit: the edit's row fires in this configuration, and the
// two can be told apart by an observable trace.
void check_edit_is_seen(const cli::OptionValues& opts, const RowEdit& edit) {
    bool fires = false;
    test::for_each_socket_move(opts, [&](const checker::SockMove& m) { fires |= m.row1 == edit.row || m.row2 == edit.row; });
    const auto plain = test::spec_of(opts);
    auto edited = plain;
    edited.patch.edits.push_back(edit);
    INFO("edit " << edited.patch.describe());
    REQUIRE(fires);
    const auto d = analysis::diff_models({"linux-6.12", plain}, {"edited", edited}, 1'000'000);
    CHECK(d.trace.found);
    CHECK_FALSE(d.equivalent());
}

RowEdit edit(RowEdit::Kind kind, RowId row, Effect effect = Effect::orphan_inc,
             model::TcpState target = model::TcpState::destroyed) {
    RowEdit e;
    e.kind = kind;
    e.row = row;
    e.effect = effect;
    e.target = target;
    return e;
}

std::string write_patch(const std::string& body) {
    static int n = 0;
    const std::string path = "oc_patch_edit_" + std::to_string(getpid()) + "_" + std::to_string(n++) + ".toml";
    std::ofstream(path) << body;
    return path;
}

// `check --patch` with a patch file of `text` is refused in one line naming `why`.
void check_patch_refused(const std::string& text, const std::string& why) {
    const std::string path = write_patch(text);
    INFO("patch file:\n" << text);
    test::check_refused("check --sockets 1 --patch " + path, why);
    std::filesystem::remove(path);
}
}  // namespace

TEST_CASE("patch edits: dropping each effect with behaviour from a row that fires changes the explored behaviour") {
    // One row per effect, in a configuration where it fires.
    const std::map<Effect, std::pair<RowId, cli::OptionValues>> drops = {
        {Effect::orphan_inc, {RowId::tail_fin_wait1, {{"sockets", "1"}}}},
        {Effect::orphan_dec, {RowId::ack_last_ack, {{"sockets", "1"}}}},
        {Effect::destroy, {RowId::ack_last_ack, {{"sockets", "1"}}}},
        {Effect::send_fin, {RowId::close_fin, {{"sockets", "1"}}}},
        {Effect::send_rst, {RowId::close_unread_rst, {{"sockets", "1"}}}},
        {Effect::send_probe, {RowId::probe_fin_wait1, {{"sockets", "1"}, {"peer-window", "closes"}}}},
        {Effect::resend_handshake,
         {RowId::reqsk_timer_resend, {{"listener", "yes"}, {"sockets", "0"}, {"syn-queue", "1"}, {"fin-timeout", "60"}}}},
    };
    for (int i = 0; i < model::kEffects; ++i) {
        const Effect e = Effect(i);
        INFO("effect " << model::effect_name(e));
        if (!model::effect_has_behaviour(e)) continue;
        REQUIRE(drops.count(e) == 1);
        const auto& [row, opts] = drops.at(e);
        REQUIRE(model::row_has_effect(row, e));
        check_edit_is_seen(opts, edit(RowEdit::Kind::drop_effect, row, e));
    }
}

TEST_CASE("patch edits: adding each effect with behaviour to a row that lacks it changes the explored behaviour") {
    // The peer's FIN arriving in ESTABLISHED: its row only acks (a label), so any effect added is new.
    for (int i = 0; i < model::kEffects; ++i) {
        const Effect e = Effect(i);
        INFO("effect " << model::effect_name(e));
        if (!model::effect_has_behaviour(e)) continue;
        REQUIRE_FALSE(model::row_has_effect(RowId::fin_established, e));
        check_edit_is_seen({{"sockets", "1"}}, edit(RowEdit::Kind::add_effect, RowId::fin_established, e));
    }
}

TEST_CASE("patch edits: removing and retargeting a row that fires changes the explored behaviour") {
    check_edit_is_seen({{"sockets", "1"}}, edit(RowEdit::Kind::remove_row, RowId::ack_last_ack));
    check_edit_is_seen({{"sockets", "1"}}, edit(RowEdit::Kind::retarget, RowId::close_fin, Effect::orphan_inc,
                                                model::TcpState::fin_wait2));
}

TEST_CASE("patch edits: every label-only effect is refused, added or dropped, with its reason") {
    int refused = 0;
    for (int i = 0; i < model::kEffects; ++i) {
        const Effect e = Effect(i);
        if (model::effect_has_behaviour(e)) continue;
        for (const char* kind : {"add_effect", "drop_effect"}) {
            // A row that has the effect, so that a drop is refused for the label and not for its absence.
            RowId row = RowId::none;
            for (int r = 0; r < model::kRows && row == RowId::none; ++r)
                if (model::row_has_effect(RowId(r), e)) row = RowId(r);
            REQUIRE(row != RowId::none);
            const std::string path = write_patch(fmt::format("[[edit]]\nrow = \"{}\"\n{} = \"{}\"\n",
                                                             model::row_name(row), kind, model::effect_name(e)));
            INFO("effect " << model::effect_name(e) << ", " << kind << " on row " << model::row_name(row));
            model::TablePatch p;
            try {
                cli::read_patch_file(path, p);
                FAIL("accepted");
            } catch (const cli::UsageError& err) {
                const std::string what = err.what();
                CHECK(what.find("would change nothing checked") != std::string::npos);
                CHECK(what.find(model::effect_label_only_reason(e)) != std::string::npos);
                ++refused;
            }
            std::filesystem::remove(path);
        }
    }
    CHECK(refused == 2 * 5);  // send_ack, tw_alloc, tw_overflow, arm_keepalive, wake_user
}

// Every shipped case study and broken patch, with the options its documentation uses.
TEST_CASE("diff: never 'equivalent' when a verdict differs, over every case study and broken patch") {
    const std::map<std::string, cli::OptionValues> options = {
        {"cases/tcp-abort-forever-orphan", {{"sockets", "1"}, {"abort", "yes"}}},
        {"cases/old-ack-fin-dropped", {{"sockets", "1"}}},
        {"cases/double-destroy-check-removed", {{"sockets", "1"}}},
        {"cases/orphan-inc-after-backlog", {{"sockets", "1"}}},
        {"cases/tw-overflow-skips-tcp-done", {{"sockets", "1"}, {"max-tw-buckets", "0"}}},
        {"cases/keepalive-rst-fallback-removed", {{"sockets", "1"}}},
        {"cases/linger2-negative-ignored", {{"sockets", "1"}, {"linger2", "-1"}}},
        {"broken/double-decrement", {{"sockets", "1"}}},
        {"examples/rto-max-1s", {{"sockets", "1"}}},
        {"cases/fin-wait2-split-off-by-one", {{"sockets", "1"}, {"fin-timeout", "60"}, {"linger2", "sysctl"}}},
        {"cases/keepalive-owned-test-dropped", {{"sockets", "1"}}},
        {"cases/retry-budget-off-by-one", {{"sockets", "1"}}},
        {"cases/tcp-abort-fix-as-rows", {{"sockets", "1"}, {"abort", "yes"}}},
        {"broken/listen-stop-forget-uncounted", {{"listener", "yes"}, {"sockets", "0"}, {"accept-queue", "1"}}},
        {"broken/listen-stop-forget-no-rst", {{"listener", "yes"}, {"sockets", "0"}, {"accept-queue", "1"}}},
        {"broken/listen-stop-skips-queue", {{"listener", "yes"}, {"sockets", "0"}, {"accept-queue", "1"}}},
        {"broken/reqsk-timer-resets", {{"listener", "yes"}, {"sockets", "0"}, {"syn-queue", "1"}}},
        {"cases/queue-add-after-listener-close", {{"listener", "yes"}, {"sockets", "0"}, {"syn-queue", "1"}}},
    };
    const std::filesystem::path root = std::filesystem::path(ORPHANCHECK_CHECKS) / ".." / "model" / "patches";
    std::set<std::string> shipped;
    for (const auto& dir : {"cases", "broken", "examples"})
        for (const auto& f : std::filesystem::directory_iterator(root / dir))
            shipped.insert(std::string(dir) + "/" + f.path().stem().string());
    for (const auto& name : shipped) {
        INFO("patch " << name << " (add it to this test's list with the options of its documentation)");
        REQUIRE(options.count(name) == 1);
    }
    for (const auto& entry : options) {  // (clang 14: no structured bindings in INFO's capture)
        const std::string& name = entry.first;
        const cli::OptionValues& opts = entry.second;
        INFO("patch " << name);
        const auto plain = test::spec_of(opts);
        auto patched = plain;
        cli::read_patch_file((root / (name + ".toml")).string(), patched.patch);
        const auto d = analysis::diff_models({"linux-6.12", plain}, {name, patched}, 1'000'000);
        std::ostringstream text;
        reports::write_diff_text(text, d);
        const bool says_equivalent = text.str().find("equivalent here") != std::string::npos;
        CHECK(says_equivalent == d.equivalent());
        if (d.verdicts_differ()) {
            CHECK_FALSE(says_equivalent);
            CHECK(d.trace.found);
        }
        CHECK(reports::diff_json(d)["distinguishing_trace"]["equivalent"] == d.equivalent());
    }
}

TEST_CASE("patch edits: a guard edit changes the explored behaviour") {
    RowEdit e;
    e.kind = RowEdit::Kind::guard;
    e.row = RowId::keepalive_rst;
    e.guard = std::make_shared<const model::GuardExpr>(
        model::parse_guard("dead && (linger2_negative || !fin_time_long)", RowId::keepalive_rst));
    check_edit_is_seen({{"sockets", "1"}}, e);
}

TEST_CASE("patch edits: a guard restated as written in `orphancheck rows` changes nothing") {
    // Every row's own guard text, parsed as a patch guard, gives the same table: the grammar reads what rows print.
    model::TablePatch same;
    for (const auto& d : model::describe_table()) {
        if (d.guard.empty()) continue;
        RowEdit e;
        e.kind = RowEdit::Kind::guard;
        e.row = d.row;
        e.guard = std::make_shared<const model::GuardExpr>(model::parse_guard(d.guard, d.row));
        same.edits.push_back(e);
    }
    for (const model::SysctlConfig& cfg : model::row_coverage_configs()) {
        const auto plain = model::SocketTable::extract(cfg);
        const auto restated = model::SocketTable::extract(cfg, same);
        REQUIRE(plain.size() == restated.size());
        for (std::uint16_t i = 0; i < plain.size(); ++i)
            for (int ev = 0; ev < model::kEvents; ++ev)
                for (int g = 0; g < model::kGuardInputCombos; ++g) {
                    const auto in = model::GuardInputs::from_index(g);
                    const auto& a = plain.at(i, model::EventId(ev), in);
                    const auto& b = restated.at(i, model::EventId(ev), in);
                    INFO(model::describe(plain.local(i)) << ", " << model::event_name(model::EventId(ev)));
                    CHECK(a.next == b.next);
                    CHECK(a.row == b.row);
                }
    }
}

TEST_CASE("patch edits: a guard that makes two rows of one event hold at once is refused, naming both") {
    const std::string path = write_patch("[[edit]]\nrow = \"rto_fin_wait1\"\nguard = \"!owned && dead && retries_left\"\n");
    auto spec = test::spec_of({{"sockets", "1"}});
    cli::read_patch_file(path, spec.patch);
    std::filesystem::remove(path);
    CHECK_THROWS_WITH_AS(checker::explore(spec), doctest::Contains("row rto_fin_wait1_oom fires too"), model::PatchError);
}

TEST_CASE("patch edits: bad guard expressions are refused in one line with the column and the nearest names") {
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"dead && ownd", "column 9: unknown name 'ownd' (nearest: owned"},
        {"dead && (owned || !lingering", "a '(' is not closed"},
        {"dead && owned)", "unexpected ')'"},
        {"retries && dead", "'retries' is a number: compare it"},
        {"dead >= 2", "unexpected '>= 2'"},
        {"retries >= dead", "'dead' is not a number"},
        {"3 < 4", "a comparison of two numbers"},
        {"unread_data && dead", "'unread_data' is not known when ACK of our FIN runs"},
        {"", "an empty guard"},
        {"dead &&", "the expression ends where a condition is expected"},
        {"retries >= 99999999999", "a whole number from 0 to 1000000"},
    };
    for (const auto& item : bad)
        check_patch_refused("[[edit]]\nrow = \"ack_fin_wait1_keepalive\"\nguard = \"" + item.first + "\"\n", item.second);
    // Two guards for one row cannot both be meant.
    check_patch_refused(
        "[[edit]]\nrow = \"keepalive_rst\"\nguard = \"dead\"\n[[edit]]\nrow = \"keepalive_rst\"\nguard = \"!dead\"\n",
        "a row has one guard");
}

TEST_CASE("patch edits: a retarget enters its state with the data the row implies, and 'set' states the rest") {
    // rst_fin_wait1 destroys a FIN_WAIT1 orphan; retargeted into FIN_WAIT2 the socket stays an orphan (SOCK_DEAD),
    // not a fresh socket close() could run on again.
    model::TablePatch p;
    p.edits.push_back({RowEdit::Kind::retarget, RowId::rst_fin_wait1, Effect::orphan_inc, model::TcpState::fin_wait2});
    model::TablePatch with_set = p;
    with_set.edits.back().set = {{model::DataField::owned, 1}, {model::DataField::retries, 3}};
    for (const auto* patch : {&p, &with_set}) {
        const auto t = model::SocketTable::extract(model::row_coverage_configs().front(), *patch);
        int seen = 0;
        for (std::uint16_t i = 0; i < t.size(); ++i)
            for (int ev = 0; ev < model::kEvents; ++ev)
                for (int g = 0; g < model::kGuardInputCombos; ++g) {
                    const auto& e = t.at(i, model::EventId(ev), model::GuardInputs::from_index(g));
                    if (e.next == model::SocketTable::kDisabled || e.row != RowId::rst_fin_wait1) continue;
                    ++seen;
                    const model::LocalKey to = t.local(e.next);
                    INFO("from " << model::describe(t.local(i)) << " to " << model::describe(to));
                    CHECK(to.state == model::TcpState::fin_wait2);
                    CHECK(to.data.dead);
                    CHECK(to.data.owned == (patch == &with_set || t.local(i).data.owned));  // kept, or set
                    CHECK(int(to.data.retries) == (patch == &with_set ? 3 : 0));  // FIN_WAIT2's entry clears the count
                }
        CHECK(seen > 0);
    }
    CHECK(with_set.describe() == "rst_fin_wait1: retarget to FIN_WAIT2 (owned=true, retries=3)");
}

TEST_CASE("patch edits: a bad 'set' is refused in one line") {
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"remove = true\nset = {dead = true}", "'set' of row rst_fin_wait1 goes with a retarget only"},
        {"retarget = \"FIN_WAIT2\"\nset = {ded = true}", "unknown socket data 'ded' (nearest: dead"},
        {"retarget = \"FIN_WAIT2\"\nset = {retries = 999}", "'retries' must be an integer in 0..255"},
        {"retarget = \"FIN_WAIT2\"\nset = {dead = 1}", "'dead' must be true or false"},
        {"retarget = \"FIN_WAIT2\"\nset = {}", "is empty"},
    };
    for (const auto& item : bad) check_patch_refused("[[edit]]\nrow = \"rst_fin_wait1\"\n" + item.first + "\n", item.second);
}
