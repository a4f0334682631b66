// The orphancheck command as users run it: exit codes, reports, bad input.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "helpers.hpp"
#include "orphancheck/properties/property.hpp"

namespace {
using Run = orphancheck::test::CliRun;
Run run(const std::string& args) { return orphancheck::test::run_cli(args); }

std::string data(const std::string& f) { return std::string(ORPHANCHECK_TEST_DATA) + "/" + f; }

void bad_input(const std::string& args, const std::string& names) { orphancheck::test::check_refused(args, names); }
}  // namespace

TEST_CASE("cli: properties lists every property with its meaning") {
    const Run r = run("properties");
    CHECK(r.code == 0);
    for (auto p : orphancheck::properties::all_properties())
        CHECK(r.out.find(orphancheck::properties::info(p).name) != std::string::npos);
}

TEST_CASE("cli: rows lists the stable row names") {
    const Run r = run("rows");
    CHECK(r.code == 0);
    CHECK(r.out.find("keepalive_rst") != std::string::npos);
    CHECK(r.out.find("tcp_keepalive_timer") != std::string::npos);
}

TEST_CASE("cli: a passing check exits 0 and writes valid JSON") {
    const Run r = run("check --sockets 1 --json -");
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["tool"] == "orphancheck");
    CHECK(j["verdict"] == "pass");
    CHECK(j["config"]["sockets"] == 1);
    for (const char* k : {"states", "transitions", "depth", "seconds", "states_per_second", "bytes_per_state",
                          "peak_rss_bytes"})
        CHECK(j["stats"].contains(k));
    CHECK(j["stats"]["states"].get<long>() > 1000);
    CHECK(j["properties"].size() == std::size_t(orphancheck::properties::kProperties));
    for (const auto& p : j["properties"]) CHECK(p["status"] == "holds");
}

TEST_CASE("cli: text report names the verdict and the statistics") {
    const Run r = run("check --sockets 1 --property orphan-balance");
    CHECK(r.code == 0);
    CHECK(r.out.find("orphan-balance") != std::string::npos);
    CHECK(r.out.find("states/s") != std::string::npos);
    CHECK(r.out.find("verdict: pass") != std::string::npos);
    CHECK(r.out.find("no-deadlock") == std::string::npos);  // only the selected property
}

TEST_CASE("cli: a state limit gives incomplete, exit 3, never holds") {
    const Run r = run("check --sockets 2 --max-states 1000 --json -");
    CHECK(r.code == 3);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["verdict"] == "incomplete");
    CHECK(j["incomplete_reason"].get<std::string>().find("state limit") != std::string::npos);
    for (const auto& p : j["properties"]) CHECK(p["status"] != "holds");
}

TEST_CASE("cli: a memory limit gives incomplete, exit 3, and says how far it got") {
    const Run r = run("check --sockets 2 --memory-limit 16M");
    CHECK(r.code == 3);
    CHECK(r.out.find("memory limit 16 MiB reached after") != std::string::npos);
    CHECK(r.out.find("verdict: incomplete") != std::string::npos);
}

TEST_CASE("cli: a TOML config file is read, the command line wins") {
    const Run r = run("check --config " + data("one_socket.toml") + " --json -");
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["config"]["sockets"] == 1);
    CHECK(j["config"]["cases"][0]["tcp_orphan_retries"] == 2);
    CHECK(j["properties"].size() == 2);
    const Run r2 = run("check --config " + data("one_socket.toml") + " --orphan-retries 3 --json -");
    CHECK(nlohmann::json::parse(r2.out)["config"]["cases"][0]["tcp_orphan_retries"] == 3);
}

TEST_CASE("cli: the shipped example check passes") {
    const Run r = run(std::string("check --config ") + ORPHANCHECK_CHECKS + "/fin-wait1-orphans.toml");
    CHECK(r.code == 0);
    CHECK(r.out.find("verdict: pass") != std::string::npos);
}

TEST_CASE("cli: the default memory limit is 80 % of MemAvailable, stated in the report, --memory-limit 0 is none") {
    const Run r = run("check --sockets 1 --json -");
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["config"]["memory_limit_auto"] == true);
    CHECK(j["config"]["memory_limit_bytes"].get<std::uint64_t>() > 0);
    const Run text = run("check --sockets 1");
    CHECK(text.out.find("GiB available at the start (--memory-limit 0: none)") != std::string::npos);
    const Run none = run("check --sockets 1 --memory-limit 0 --json -");
    const auto k = nlohmann::json::parse(none.out);
    CHECK(k["config"]["memory_limit_bytes"] == 0);
    CHECK(k["config"]["memory_limit_auto"] == false);
}

TEST_CASE("cli: the shipped TCP_USER_TIMEOUT check passes, and the user timeout is in its JSON cases") {
    const Run r = run(std::string("check --config ") + ORPHANCHECK_CHECKS + "/user-timeout-orphans.toml --json -");
    INFO(r.err);
    CHECK(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["verdict"] == "pass");
    REQUIRE(j["config"]["cases"].size() == 2);
    CHECK(j["config"]["cases"][0]["tcp_user_timeout_ms"] == 1000);
    CHECK(j["config"]["cases"][1]["tcp_user_timeout_ms"] == 3000);
}

TEST_CASE("cli: a patch file breaks the model and the check names the property") {
    const std::string patches = std::string(ORPHANCHECK_CHECKS) + "/../model/patches/broken/";
    const Run r = run("check --sockets 1 --json - --patch " + patches + "double-decrement.toml");
    CHECK(r.code == 1);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["verdict"] == "fail");
    CHECK(j["config"]["patch"]["name"] == "double-decrement");
    bool never_negative_violated = false;
    for (const auto& p : j["properties"])
        if (p["name"] == "counter-never-negative") {
            never_negative_violated = p["status"] == "violated";
            CHECK(p["counterexample"]["steps"].back()["orphans"] == -1);
        }
    CHECK(never_negative_violated);
    CHECK(run("check --sockets 1 --property eventually-destroyed --patch " + patches + "../cases/keepalive-rst-fallback-removed.toml").code == 1);
    CHECK(run("check --sockets 1 --max-tw-buckets 0 --property no-deadlock --patch " + patches +
              "../cases/tw-overflow-skips-tcp-done.toml")
              .code == 1);
}

TEST_CASE("cli: bad input gets one line naming the problem and exit 2") {
    bad_input("check --no-such-flag", "--no-such-flag");
    bad_input("check --sockets 0", "--sockets");
    bad_input("check --sockets two", "--sockets");
    bad_input("check --sockets 99", "--sockets");
    bad_input("check --fin-timeout -5", "--fin-timeout");
    bad_input("check --orphan-retries 256", "--orphan-retries");
    bad_input("check --orphan-retries x", "--orphan-retries");
    bad_input("check --max-orphans -1", "--max-orphans");
    bad_input("check --time-limit -3", "--time-limit");
    bad_input("check --memory-limit 1M", "--memory-limit");
    bad_input("check --memory-limit lots", "--memory-limit");
    bad_input("check --linger sometimes", "--linger");
    bad_input("check --engine spin", "--engine");
    bad_input("check --property no-such-property", "no-such-property");
    bad_input("check --config " + data("malformed.toml"), "malformed TOML");
    bad_input("check --config " + data("unknown_key.toml"), "unknown key 'colour'");
    bad_input("check --config " + data("bad_value.toml"), "--orphan-retries");
    bad_input("check --config /nonexistent/x.toml", "cannot read");
    bad_input("check --json /nonexistent/dir/out.json --sockets 1", "cannot write");
    bad_input("frobnicate", "frobnicate");
    bad_input("check --patch " + data("patch_syntax.toml"), "malformed TOML");
    bad_input("check --patch " + data("patch_unknown_row.toml"), "nearest: ack_last_ack");
    bad_input("check --patch " + data("patch_absent_effect.toml"), "has no effect 'send_rst'");
    bad_input("check --patch " + data("patch_unknown_state.toml"), "unknown state 'FIN_WAIT3'");
    bad_input("check --patch /nonexistent.toml", "--patch");
    bad_input("check --config ''", "--config");
    bad_input("check --json '' --sockets 1", "--json");
    bad_input("check --config /tmp", "cannot read");
    bad_input("check --memory-limit 1099511627776G", "--memory-limit");
    bad_input("check --time-limit 0x10", "--time-limit");
    bad_input("check --config " + data("duplicate_key.toml"), "given twice");
    bad_input("check --config " + data("float_sockets.toml"), "floating-point");
    bad_input("check --config " + data("empty_properties.toml"), "'properties' is empty");
    bad_input("", "check, graph, diff, mutate, export, conform, lifetime, review, host, profiles, properties, rows, events or completion");
    bad_input("check --profile linux-4.19", "linux-5.15, linux-6.12, linux-6.18");
    bad_input("check --abort maybe", "--abort");
    bad_input("check --patch " + data("patch_unknown_option.toml"), "nearest: abort_kills_orphans");
    bad_input("check --sockets 1 --patch " + data("patch_unreachable_target.toml"), "never enters");
    bad_input("check --patch " + data("patch_bad_constant.toml"), "'retransmits_until_rto_max' must be an integer in 1..15");
    bad_input("check --store disk", "--store");
    bad_input("check --store full,compact", "--store");
    bad_input("check --symmetry sometimes", "--symmetry");
    bad_input("check --threads 0", "--threads");
    bad_input("check --por maybe", "--por");
    bad_input("check --por yes", "--por yes");  // eventually-destroyed is checked by default
    bad_input("check --por yes --property safety --engine msm", "--engine table");
    bad_input("check --threads many", "--threads");
    bad_input("check --store bitstate --bitstate-size 100K", "--bitstate-size");
    bad_input("check --store bitstate --bitstate-size 64M --memory-limit 32M", "--memory-limit 32M");
    bad_input("graph --view full --store compact --sockets 1 -o -", "--store full");
    bad_input("diff linux-6.12", "B");
    bad_input("diff linux-6.12 linux-4.19", "linux-4.19");
    bad_input("diff linux-6.12 linux-6.12+notes.txt", "notes.txt");
    bad_input("diff linux-6.12 linux-6.12+" + data("patch_syntax.toml"), "malformed TOML");
    bad_input("diff linux-6.12 linux-6.12+" + data("patch_unknown_row.toml"), "nearest: ack_last_ack");
    bad_input("diff linux-6.12 linux-6.12+" + data("patch_absent_effect.toml"), "has no effect 'send_rst'");
    bad_input("check --patch " + data("patch_label_only_effect.toml"), "remove the keepalive_* rows");
    bad_input("diff linux-6.12 linux-6.12+" + data("patch_label_only_effect.toml"), "would change nothing checked");
    bad_input("diff linux-6.12 linux-6.18 --lifetime-tolerance -5", "--lifetime-tolerance");
    bad_input("diff linux-6.12 linux-6.18 --lifetime-tolerance 1e9", "--lifetime-tolerance");
    bad_input("diff linux-6.12 linux-6.18 --lifetime-tolerance abc", "--lifetime-tolerance");
}

// Issue 16: numbers, empty values, output names, unused options, conflicting patches, Promela properties and
// output paths, each refused in one line with exit 2.
TEST_CASE("cli: numbers are range-checked text: no wrap-around, no hex, no trailing garbage") {
    bad_input("graph --view full --sockets 1 --max-nodes -1", "--max-nodes: -1 is out of range");
    bad_input("graph --view full --sockets 1 --max-nodes 0", "--max-nodes");
    bad_input("graph --view full --sockets 1 --max-nodes 0x10", "--max-nodes: '0x10' is not an integer");
    bad_input("graph --view full --sockets 1 --max-nodes 99999999999999999999", "--max-nodes");
    bad_input("graph --view full --sockets 1 --max-nodes 12abc", "--max-nodes");
    bad_input("diff linux-6.12 linux-6.12 --sockets 1 --max-pairs -1", "--max-pairs: -1 is out of range");
    bad_input("diff linux-6.12 linux-6.12 --sockets 1 --max-pairs 0", "--max-pairs");
    bad_input("lifetime --linger-seconds 0x10", "--linger-seconds: '0x10' is not an integer");
    bad_input("lifetime --linger-seconds -1", "--linger-seconds");
    bad_input("lifetime --linger2-seconds 121", "--linger2-seconds");
    bad_input("lifetime --rto-min-ms 0x10", "--rto-min-ms: '0x10' is not a number");
    bad_input("lifetime --rto-min-ms 1e3", "--rto-min-ms");
    bad_input("lifetime --rto-max-ms -5", "--rto-max-ms");
    bad_input("lifetime --rtt-max-ms nan", "--rtt-max-ms");
    bad_input("lifetime --step-ms inf", "--step-ms");
    bad_input("lifetime --step-ms 1.2.3", "--step-ms");
    bad_input("lifetime --hz +100", "--hz");
    bad_input("check --sockets +1", "--sockets");
    bad_input("check --sockets ' 1'", "--sockets");
    bad_input("check --max-states -1", "--max-states");
    bad_input("check --max-states 99999999999999999999", "--max-states");
    bad_input("check --user-timeout 0x10", "--user-timeout");
}

TEST_CASE("cli: an empty value is refused, naming the option, by every subcommand") {
    for (const std::string args :
         {"check --json ''", "check --html ''", "check --config ''", "check --patch ''", "check --property ''",
          "check --sockets ''", "check --profile ''", "graph -o ''", "graph --output ''", "graph --format ''",
          "graph --view ''", "graph --colour ''", "graph --max-nodes ''", "graph --config ''", "graph --patch ''",
          "diff linux-6.12 linux-6.12 --json ''", "diff linux-6.12 linux-6.12 --dot ''",
          "diff linux-6.12 linux-6.12 --max-pairs ''", "diff linux-6.12 linux-6.12 --sockets ''",
          "mutate --json ''", "mutate --sockets ''", "export --promela -o ''", "export --promela --config ''",
          "export --promela --patch ''", "export --promela --property ''", "conform --json ''", "conform --profile ''",
          "conform --scenario ''", "lifetime --json ''", "lifetime --hz ''", "lifetime --from ''",
          "lifetime --our-fin ''", "lifetime --step-ms ''", "lifetime --linger-seconds ''"}) {
        const std::string head = args.substr(0, args.size() - 3);  // without " ''"
        const std::string option = head.substr(head.rfind(' ') + 1);
        bad_input(args, (option == "--output" ? "-o" : option) + ": empty value");
    }
}

TEST_CASE("cli: an output's file name must say the format it gets") {
    bad_input("diff --dot x.gif linux-6.12 linux-6.12 --sockets 1", "--dot: the name 'x.gif' says GIF");
    bad_input("diff --dot x.pdf linux-6.12 linux-6.12 --sockets 1", "says PDF");
    bad_input("diff --dot x.json linux-6.12 linux-6.12 --sockets 1", "--dot writes DOT, SVG or PNG");
    bad_input("diff --json x.dot linux-6.12 linux-6.12 --sockets 1", "--json writes JSON");
    bad_input("graph -o x.gif", "-o: the name 'x.gif' says GIF");
    bad_input("graph --format dot -o x.svg", "--format dot: the name 'x.svg' says SVG");
    bad_input("graph --view full --sockets 1 --format json -o x.dot", "says DOT");
    bad_input("graph --format svg -o -", "--format svg");
    bad_input("diff --dot X.GIF linux-6.12 linux-6.12 --sockets 1", "says GIF");  // in any case
    bad_input("graph --format dot -o x.SVG", "says SVG");
    bad_input("check --sockets 1 --json report.svg", "--json: the name 'report.svg' says SVG");
    bad_input("check --sockets 1 --html report.json", "--html writes HTML");
    bad_input("check --sockets 1 --html -", "--html");
    bad_input("mutate --json mutants.html", "--json");
    bad_input("lifetime --json table.png", "--json");
    bad_input("conform --json results.pdf", "--json");
    bad_input("export --promela -o model.json", "-o: the name 'model.json' says JSON");
    // What stays accepted: DOT under .gv or a name without an extension, JSON under any other extension.
    const std::string dot = "oc_cli_rules_graph";
    CHECK(run("graph -o " + dot).code == 0);
    std::ifstream in(dot);
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    CHECK(text.starts_with("digraph"));
    std::remove(dot.c_str());
    if (std::system("command -v dot >/dev/null 2>&1") == 0) {  // an upper-case extension is rendered as well
        const std::string svg = "oc_cli_rules_graph.SVG";
        CHECK(run("graph -o " + svg).code == 0);
        std::ifstream s(svg);
        const std::string head((std::istreambuf_iterator<char>(s)), {});
        CHECK(head.find("<svg") != std::string::npos);
        std::remove(svg.c_str());
    }
    const std::string txt = "oc_cli_rules_lifetime.txt";
    CHECK(run("lifetime --linger off --json " + txt).code == 0);
    CHECK(std::ifstream(txt).good());
    std::remove(txt.c_str());
}

TEST_CASE("cli: an unwritable output path is refused before the work starts") {
    // mutate takes minutes on its defaults and a --view quotient of 3 sockets tens of seconds: a refusal after
    // the work would show in the time.
    for (const std::string args :
         {"mutate --json /nonexistent-dir/m.json", "conform --json /nonexistent-dir/c.json",
          "lifetime --json /nonexistent-dir/l.json", "diff linux-5.15 linux-6.12 --json /nonexistent-dir/d.json",
          "diff linux-5.15 linux-6.12 --dot /nonexistent-dir/d.dot",
          "graph --view quotient --sockets 3 -o /nonexistent-dir/q.dot",
          "export --promela --sockets 3 -o /nonexistent-dir/m.pml", "check --sockets 3 --html /nonexistent-dir/r.html"}) {
        const auto start = std::chrono::steady_clock::now();
        bad_input(args, "/nonexistent-dir/");
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
    }
}

TEST_CASE("cli: an option a subcommand does not use is refused, not ignored") {
    bad_input("diff --profile bogus linux-6.12 linux-6.12", "unknown kernel profile 'bogus'");
    bad_input("diff --profile linux-5.15 linux-6.12 linux-6.18", "diff does not use --profile here");
    bad_input("diff linux-6.12 linux-6.18 --sockets 1 --threads 2", "diff does not use --threads");
    bad_input("diff linux-6.12 linux-6.18 --sockets 1 --engine msm", "diff does not use --engine");
    bad_input("mutate --threads 4", "mutate does not use --threads");
    bad_input("mutate --por no", "mutate does not use --por");
    for (const char* o : {"--threads 2", "--store compact", "--symmetry no", "--por no", "--max-states 10",
                          "--time-limit 5", "--memory-limit 1G", "--bitstate-size 64M"}) {
        bad_input(std::string("export --promela --sockets 1 ") + o, "export does not use --");
        bad_input(std::string("lifetime ") + o, "lifetime does not use --");
    }
    bad_input("lifetime --engine msm", "lifetime does not use --engine");
    bad_input("graph --threads 2", "graph does not use --threads");
    bad_input("graph --sockets 2", "graph --view socket does not use --sockets");
    bad_input("graph --profile linux-5.15", "graph --view socket does not use --profile");
    bad_input("graph --colour property", "graph --view socket does not use --colour");
    bad_input("graph --max-nodes 10", "graph --view socket does not use --max-nodes");
    bad_input("graph --patch " + data("no-orphan-decrement.toml"), "graph --view socket does not use --patch");
    bad_input("graph --view full --sockets 1 --no-guards", "graph --view full does not use --no-guards");
    bad_input("graph --view full --sockets 1 --max-states 10", "graph --view full does not use --max-states");
    bad_input("graph --view quotient --sockets 1 --max-nodes 10", "does not use --max-nodes");
    bad_input("graph --view quotient --sockets 1 --property orphan-balance", "does not use --property");
    bad_input("conform --list --json x.json", "conform --list does not use --json");
    bad_input("conform --list --profile linux-6.12", "conform --list does not use --profile");
    bad_input("conform --plan --scenario last-ack", "conform --plan does not use --scenario");
    bad_input("conform --list --plan", "--list or --plan");
    bad_input("conform --scenario last-ack --long", "conform does not use --long");
    bad_input("conform --scenario last-ack --scenario last-ack", "'last-ack' is given twice");
    // The help of a subcommand leaves out what it does not use.
    const Run help = run("export --help");
    CHECK(help.out.find("--threads") == std::string::npos);
    CHECK(help.out.find("--sockets") != std::string::npos);
}

TEST_CASE("cli: export refuses the properties Promela cannot assert") {
    bad_input("export --promela -o oc_cli_rules.pml --property eventually-destroyed",
              "cannot assert eventually-destroyed");
    bad_input("export --promela --property no-deadlock", "cannot assert no-deadlock");
    bad_input("export --promela --property safety", "no-deadlock, counter-zero-at-end");
    const Run ok = run("export --promela --sockets 1 --linger off --unread no --property orphan-balance -o -");
    CHECK(ok.code == 0);
    CHECK(ok.out.find("Asserted invariants: orphan-balance") != std::string::npos);
}

TEST_CASE("cli: repeated or conflicting patch edits are refused, naming both") {
    bad_input("check --patch " + data("patch_same_edit_twice.toml"),
              "[[edit]] 2 (ack_last_ack: drop_effect orphan_dec) repeats [[edit]] 1");
    bad_input("check --patch " + data("patch_remove_then_edit.toml"),
              "[[edit]] 2 (ack_last_ack: drop_effect orphan_dec) conflicts with [[edit]] 1 (ack_last_ack: remove)");
    bad_input("check --patch " + data("patch_two_retargets.toml"), "a row has one target state");
    bad_input("check --patch " + data("patch_add_drop.toml"), "adding and dropping one effect");
    const std::string p = data("no-orphan-decrement.toml");
    bad_input("check --patch " + p + " --patch " + p, "no-orphan-decrement.toml: the same patch file is given twice");
    bad_input("diff linux-6.12 linux-6.12+" + p + "+" + p, "the same patch file is given twice");
    bad_input("check --patch " + p + " --patch " + data("../data/no-orphan-decrement.toml"), "the same patch file as");
    bad_input("check --patch " + p + " --patch " + data("patch_add_drop.toml"),
              "conflicts with [[edit]] 1 of " + p);
    const std::string cases = std::string(ORPHANCHECK_CHECKS) + "/../model/patches/";
    bad_input("check --patch " + cases + "cases/tcp-abort-forever-orphan.toml --patch " + data("patch_abort_kills.toml"),
              "[options] abort_kills_orphans is set again (also in " + cases + "cases/tcp-abort-forever-orphan.toml)");
    bad_input("diff linux-6.12 linux-6.12+" + cases + "examples/rto-max-1s.toml+" + data("patch_rto_max_5.toml"),
              "[constants] retransmits_until_rto_max is set again");
}

TEST_CASE("cli: diff on a patch that removes the orphan decrement exits 1 and names orphan-balance") {
    const Run r = run("diff linux-6.12 linux-6.12+" + data("no-orphan-decrement.toml") + " --sockets 1");
    CHECK(r.code == 1);
    CHECK(r.out.find("orphan-balance           holds      violated   REGRESSION") != std::string::npos);
    CHECK(r.out.find("orphan-balance violated in B") != std::string::npos);
    CHECK(r.out.find("changed    ack_last_ack") != std::string::npos);
    const Run j = run("diff linux-6.12 " + data("no-orphan-decrement.toml") + " --sockets 1 --json -");
    CHECK(j.code == 1);
    const auto d = nlohmann::json::parse(j.out);
    CHECK(d["regression"] == true);
    bool named = false;
    for (const auto& p : d["properties"])
        if (p["name"] == "orphan-balance") named = p["change"] == "REGRESSION" && p.contains("counterexample_b");
    CHECK(named);
    CHECK(d["distinguishing_trace"]["found"] == true);
    CHECK(d["distinguishing_trace"]["possible_in"] == "B");
}

TEST_CASE("cli: diff linux-5.15 linux-6.12 shows the tcp_abort fix, the other way round is a regression") {
    const Run r = run("diff linux-5.15 linux-6.12 --sockets 1");
    CHECK(r.code == 0);
    CHECK(r.out.find("timer-armed              violated   holds      fixed") != std::string::npos);
    CHECK(r.out.find("only in A  abort_purge_fin_wait1") != std::string::npos);
    CHECK(r.out.find("tcp_abort (ss -K) -> FIN_WAIT1 orphan write-queue-purged") != std::string::npos);
    CHECK(run("diff linux-6.12 linux-5.15 --sockets 1 --quiet").code == 1);
    // Without ss -K only the old-ACK drop of a simultaneous close is left.
    const Run old_ack = run("diff linux-5.15 linux-6.12 --sockets 1 --abort no");
    CHECK(old_ack.code == 0);
    CHECK(old_ack.out.find("rfc-transitions          violated   holds      fixed") != std::string::npos);
    CHECK(old_ack.out.find("only in A  fin_fin_wait2_old_ack_dropped") != std::string::npos);
    // The same event, two outcomes: reported from B's side (6.12 takes the bucket), with A's outcome beside it.
    CHECK(old_ack.out.find("possible in B and not in A") != std::string::npos);
    CHECK(old_ack.out.find("peer FIN arrives -> TW(TIME_WAIT)") != std::string::npos);
    CHECK(old_ack.out.find("the other model, at that point: peer FIN arrives -> FIN_WAIT2 orphan") != std::string::npos);
    CHECK(old_ack.out.find("breaks rfc-transitions") != std::string::npos);
    // 6.12 and 6.18 close sockets alike: equivalent, with the evidence.
    const Run same = run("diff linux-6.12 linux-6.18 --sockets 1");
    CHECK(same.code == 0);
    CHECK(same.out.find("A and B are equivalent here") != std::string::npos);
    CHECK(same.out.find("moves only in A: 0") != std::string::npos);
    CHECK(same.out.find("rows of the extracted table whose outcomes differ: 0") != std::string::npos);
}

TEST_CASE("cli: diff writes the union graph as DOT with the differences coloured") {
    const std::string dot = "oc_diff_test.dot";
    const Run r = run("diff linux-5.15 linux-6.12 --sockets 1 --quiet --dot " + dot);
    CHECK(r.code == 0);
    std::ifstream in(dot);
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    CHECK(text.find("digraph") != std::string::npos);
    CHECK(text.find("color=\"red\"") != std::string::npos);
    CHECK(text.find("color=\"blue\"") != std::string::npos);
    std::remove(dot.c_str());
}

TEST_CASE("cli: a patch may change a guard constant (tcp_rto_max_ms = 1 s in 6.15)") {
    const std::string patch = std::string(ORPHANCHECK_CHECKS) + "/../model/patches/examples/rto-max-1s.toml";
    const Run r = run("diff linux-6.12 linux-6.12+" + patch + " --sockets 1 --orphan-retries 0");
    CHECK(r.code == 0);
    CHECK(r.out.find("guard constant retransmits_until_rto_max: A 10, B 3") != std::string::npos);
    CHECK(r.out.find("changed    rto_fin_wait1 ") != std::string::npos);
    CHECK(r.out.find("shortest observable sequence possible in B and not in A") != std::string::npos);
    CHECK(r.out.find("retry budget spent -> CLOSE lingering") != std::string::npos);
    CHECK(r.out.find("the other model, at that point: cannot do this event") != std::string::npos);
}

TEST_CASE("cli: profiles lists the kernels and the options with their commits") {
    const Run r = run("profiles");
    CHECK(r.code == 0);
    for (const char* s : {"linux-5.15", "linux-6.12 [default]", "linux-6.18", "abort_kills_orphans", "bac76cf89816"})
        CHECK(r.out.find(s) != std::string::npos);
}
