// Issue 15: a patch file can add a row ([[row]]): a new branch of a kernel function, with its source state,
// event, guard, target and effects. It fires before the table's rows of its state and event, both engines run
// it, reports name it, and every bad [[row]] is refused in one line.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "helpers.hpp"
#include "orphancheck/analysis/model_diff.hpp"
#include "orphancheck/reports/diff_report.hpp"
#include "patch_file.hpp"

using namespace orphancheck;
using properties::PropertyId;

namespace {
std::string patches_dir() { return std::string(ORPHANCHECK_CHECKS) + "/../model/patches/"; }

std::string write_patch(const std::string& body) {
    static int n = 0;
    const std::string path = (std::filesystem::temp_directory_path() /
                              ("oc_patch_row_" + std::to_string(getpid()) + "_" + std::to_string(n++) + ".toml"))
                                 .string();
    std::ofstream(path) << body;
    return path;
}

// FIN_WAIT2 orphans on the keepalive timer: a new branch that resets and destroys them but forgets the
// decrement inside inet_csk_destroy_sock.
const char* kLeakyRow = R"(name = "leaky-keepalive-branch"
[[row]]
name = "keepalive_rst_no_dec"
function = "tcp_keepalive_timer"
from = "FIN_WAIT2"
event = "keepalive_expire"
guard = "dead && !owned"
to = "DESTROYED"
effects = ["send_rst", "destroy"]
)";

bool row_fires(const checker::ExploreSpec& spec, model::RowId row) {
    bool fires = false;
    for (const checker::CaseConfig& c : spec.cases) {
        checker::SocketSpace sp(c, checker::Engine::table, spec.patch);
        sp.complete(1);
        for (std::size_t i = 0; i < sp.size(); ++i)
            for (int gin : sp.guard_inputs(1))
                for (const checker::SockMove& m : sp.moves(checker::Combo(i), gin)) fires |= m.row1 == row || m.row2 == row;
    }
    return fires;
}
}  // namespace

TEST_CASE("patch rows: case study G4, the tcp_abort fix written as four added rows, fixes linux-5.15") {
    const cli::OptionValues opts = {{"sockets", "1"}, {"abort", "yes"}, {"profile", "linux-5.15"}};
    const auto old = test::spec_of(opts);
    const auto fixed = test::patched_spec_of(opts, patches_dir() + "cases/tcp-abort-fix-as-rows.toml");
    REQUIRE(fixed.patch.rows.size() == 4);
    const auto d = analysis::diff_models({"linux-5.15", old}, {"linux-5.15+fix", fixed}, 1'000'000);
    for (const PropertyId p : {PropertyId::eventually_destroyed, PropertyId::timer_armed, PropertyId::counter_zero_at_end}) {
        INFO("property " << properties::info(p).name << " should go from violated to holds");
        CHECK(test::result_of(d.ra, p).status == checker::Status::violated);
        CHECK(test::result_of(d.rb, p).status == checker::Status::holds);
    }
    CHECK_FALSE(d.regression());
    int added_only_in_b = 0;
    for (const auto& r : d.rows) added_only_in_b += model::is_added_row(r.row) && r.kind == analysis::RowChange::Kind::only_b;
    CHECK(added_only_in_b == 4);
}

TEST_CASE("patch rows: the added rows equal the table's own 6.11+ rows, on both engines") {
    const cli::OptionValues opts = {{"sockets", "1"}, {"abort", "yes"}, {"profile", "linux-5.15"}};
    auto table_rows = test::spec_of(opts);
    table_rows.patch.options.push_back({model::find_kernel_option("abort_kills_orphans"), true});
    const auto added = test::patched_spec_of(opts, patches_dir() + "cases/tcp-abort-fix-as-rows.toml");
    const auto d = analysis::diff_models({"abort_kills_orphans", table_rows}, {"added rows", added}, 1'000'000);
    CHECK(d.equivalent());
    CHECK(d.ra.stats.states == d.rb.stats.states);
    CHECK(d.ra.stats.transitions == d.rb.stats.transitions);
    CHECK(d.moves_only_a.empty());
    CHECK(d.moves_only_b.empty());

    auto msm = added;
    msm.engine = checker::Engine::msm;
    const auto rm = checker::explore(msm);
    INFO("msm engine: " << rm.stats.states << " states, table engine: " << d.rb.stats.states);
    CHECK(rm.stats.states == d.rb.stats.states);
    CHECK(rm.stats.transitions == d.rb.stats.transitions);
    CHECK(rm.verdict == d.rb.verdict);
}

TEST_CASE("patch rows: an added row comes before the table's rows, and its counterexample names it as added") {
    const std::string path = write_patch(kLeakyRow);
    const cli::OptionValues opts = {{"sockets", "1"}, {"fin-timeout", "120"}};
    const auto spec = test::patched_spec_of(opts, path);
    REQUIRE(spec.patch.rows.size() == 1);
    const model::RowId id = spec.patch.rows.front().id;
    CHECK(model::is_added_row(id));
    CHECK(model::row_name(id) == "keepalive_rst_no_dec");
    CHECK(model::row_kernel_function(id) == "tcp_keepalive_timer");
    CHECK(row_fires(spec, id));
    CHECK_FALSE(row_fires(spec, model::RowId::keepalive_rst));  // the branch it shadows never runs
    const auto r = checker::explore(spec);
    const auto& zero = test::result_of(r, PropertyId::counter_zero_at_end);
    REQUIRE(zero.status == checker::Status::violated);
    REQUIRE(zero.counterexample.has_value());
    bool marked = false;
    for (const auto& s : zero.counterexample->steps) marked |= s.patched.find("keepalive_rst_no_dec: added") != std::string::npos;
    CHECK(marked);

    const auto run = test::run_cli("check --sockets 1 --fin-timeout 120 --property counter-zero-at-end --patch " + path);
    INFO(run.out << run.err);
    CHECK(run.code == 1);
    CHECK(run.out.find("tcp_keepalive_timer (keepalive_rst_no_dec) [patched: keepalive_rst_no_dec: added]") != std::string::npos);
    std::filesystem::remove(path);
}

TEST_CASE("patch rows: a row where the table has none makes the event handled there") {
    // LAST_ACK orphans have no FIN_WAIT2 timer; a branch that gives them one changes what is explored.
    const std::string path = write_patch(R"([[row]]
name = "keepalive_last_ack"
function = "tcp_keepalive_timer"
from = "LAST_ACK"
event = "keepalive_expire"
guard = "dead"
to = "DESTROYED"
effects = ["destroy", "orphan_dec"]
)");
    const cli::OptionValues opts = {{"sockets", "1"}};
    const auto plain = test::spec_of(opts);
    const auto patched = test::patched_spec_of(opts, path);
    CHECK(row_fires(patched, patched.patch.rows.front().id));
    const auto d = analysis::diff_models({"linux-6.12", plain}, {"keepalive in LAST_ACK", patched}, 1'000'000);
    CHECK(d.trace.found);
    CHECK_FALSE(d.moves_only_b.empty());
    std::filesystem::remove(path);
}

TEST_CASE("patch rows: a bad [[row]] is refused in one line naming the problem") {
    const std::string ok = "name = \"r\"\nfunction = \"tcp_abort\"\nfrom = \"FIN_WAIT1\"\nevent = \"abort\"\nto = \"DESTROYED\"\n";
    const std::pair<std::string, std::string> bad[] = {
        {"[[row]]\nname = \"close_fin\"\nfunction = \"x\"\nfrom = \"FIN_WAIT1\"\nevent = \"abort\"\nto = \"CLOSE\"\n",
         "row close_fin is already in the table"},
        {"[[row]]\nname = \"Bad-Name\"\nfunction = \"x\"\nfrom = \"FIN_WAIT1\"\nevent = \"abort\"\nto = \"CLOSE\"\n",
         "must be lower case letters"},
        {"[[row]]\nname = \"r\"\nfrom = \"FIN_WAIT1\"\nevent = \"abort\"\nto = \"CLOSE\"\n", "a [[row]] has no 'function'"},
        {"[[row]]\n" + ok + "effects = [\"send_ack\"]\n", "effect 'send_ack' of row r would change nothing checked"},
        {"[[row]]\n" + ok + "effects = [\"sendrst\"]\n", "unknown effect 'sendrst' (nearest: send_rst"},
        {"[[row]]\n" + ok + "guard = \"unread_data\"\n", "'unread_data' is not known when tcp_abort (ss -K) runs (row r"},
        {"[[row]]\n" + ok + "guard = \"dead &&\"\n", "guard of row r: column"},
        {"[[row]]\n" + ok + "colour = \"red\"\n", "unknown key 'colour' in [[row]] r"},
        {"[[row]]\n" + ok + "set = {deadd = true}\n", "unknown socket data 'deadd' (nearest: dead"},
        {"[[row]]\nname = \"r\"\nfunction = \"x\"\nfrom = \"FIN_WAIT9\"\nevent = \"abort\"\nto = \"CLOSE\"\n",
         "unknown state 'FIN_WAIT9' (nearest: FIN_WAIT1"},
        {"[[row]]\nname = \"r\"\nfunction = \"x\"\nfrom = \"FIN_WAIT1\"\nevent = \"abortt\"\nto = \"CLOSE\"\n",
         "unknown event 'abortt' (nearest: abort"},
        {"[[row]]\nname = \"r\"\nfunction = \"x\"\nfrom = \"DESTROYED\"\nevent = \"abort\"\nto = \"CLOSE\"\n",
         "starts in DESTROYED"},
        {"[[row]]\n" + ok + "[[row]]\n" + ok, "row r is added twice"},
        {"[[row]]\n" + ok + "[[edit]]\nrow = \"r\"\nremove = true\n", "row r is added by this patch"},
        {"row = 3\n", "'row' must be an array of tables"},
    };
    for (const auto& entry : bad) {
        const std::string path = write_patch(entry.first);
        INFO("patch file:\n" << entry.first);
        test::check_refused("check --sockets 1 --patch " + path, entry.second);
        std::filesystem::remove(path);
    }
}
