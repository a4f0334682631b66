// Issue 18: every command that writes JSON starts it with one envelope ({"tool": "orphancheck", "version",
// "schema": 1, "command": "<subcommand>"}) and has a schema, schemas/<command>.schema.json (JSON Schema draft
// 2020-12). Each test runs one command on a small configuration, checks the envelope, and validates the whole
// document with Debian's python3-jsonschema (skipped with a message where it is not installed). A live conform
// run is validated in test_conform_schema.cpp, among the live-kernel tests.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "helpers.hpp"
#include "orphancheck/model/events.hpp"
#include "orphancheck/model/rows.hpp"
#include "orphancheck/properties/property.hpp"
#include "orphancheck/reports/json_envelope.hpp"
#include "orphancheck/reports/report.hpp"
#include "schema_check.hpp"

using namespace orphancheck;
namespace fs = std::filesystem;

namespace {

struct ScratchDir {
    fs::path path = fs::temp_directory_path() / ("oc-schemas-" + std::to_string(getpid()));
    ScratchDir() { fs::create_directories(path); }
    ~ScratchDir() { fs::remove_all(path); }
};

std::string data(const std::string& name) { return std::string(ORPHANCHECK_TEST_DATA) + "/" + name; }

std::string codes_text(std::initializer_list<int> codes) {
    std::string s;
    for (int c : codes) s += (s.empty() ? "" : " or ") + std::to_string(c);
    return s;
}

// `orphancheck <args>`, or with `interrupt_after` seconds > 0 the same sent SIGINT after that long (the report
// so far is written, exit 3).
test::CliRun run(const std::string& args, int interrupt_after) {
    if (interrupt_after == 0) return test::run_cli(args);
    const std::string err = "oc_schemas_stderr_" + std::to_string(getpid()) + ".txt";
    const std::string cmd = "sh -c '" + std::string(ORPHANCHECK_BIN) + " " + args + " >/dev/null 2>" + err +
                            " & p=$!; sleep " + std::to_string(interrupt_after) + "; kill -INT $p; wait $p'";
    const int status = std::system(cmd.c_str());
    test::CliRun r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream e(err);
    r.err.assign(std::istreambuf_iterator<char>(e), {});
    std::remove(err.c_str());
    return r;
}

// Runs `orphancheck <args>`: "@JSON@" in `args` is replaced by a scratch file the command writes its JSON to;
// without it the JSON is standard output, which must be the document and nothing else. Expects an exit code of
// `codes`, then checks the envelope of `command` and validates the document against schemas/<schema>.schema.json.
// Returns the document (null when there was none).
nlohmann::json check_json(const std::string& command, const std::string& schema, std::string args,
                          std::initializer_list<int> codes = {0}, int interrupt_after = 0) {
    const ScratchDir dir;
    const fs::path file = dir.path / (schema + ".json");
    const bool to_file = args.find("@JSON@") != std::string::npos;
    if (to_file) args.replace(args.find("@JSON@"), 6, file.string());
    const test::CliRun r = run(args, interrupt_after);
    bool expected = false;
    for (int c : codes) expected = expected || r.code == c;
    CHECK_MESSAGE(expected, command << ": 'orphancheck " << args << "' exited " << r.code << ", expected "
                                    << codes_text(codes) << "; stderr: " << r.err);
    if (!to_file) std::ofstream(file) << r.out;
    std::ifstream in(file);
    const std::string text{std::istreambuf_iterator<char>(in), {}};
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        FAIL_CHECK(command << ": 'orphancheck " << args << "' wrote no JSON document (" << e.what()
                           << "); it wrote: " << text.substr(0, 400) << "; stderr: " << r.err);
        return nullptr;
    }
    CHECK_MESSAGE(j.is_object(), command << ": the document is not an object: " << text.substr(0, 200));
    if (!j.is_object()) return j;
    CHECK_MESSAGE(j.value("tool", "") == "orphancheck", command << ": \"tool\" is " << j.value("tool", nlohmann::json()).dump());
    CHECK_MESSAGE(j.value("version", "") == std::string(reports::kVersion),
                  command << ": \"version\" is " << j.value("version", nlohmann::json()).dump() << ", the binary's is "
                          << reports::kVersion);
    CHECK_MESSAGE(j.value("schema", 0) == reports::kJsonSchema,
                  command << ": \"schema\" is " << j.value("schema", nlohmann::json()).dump());
    CHECK_MESSAGE(j.value("command", "") == command, command << ": \"command\" is " << j.value("command", nlohmann::json()).dump());
    if (!test::have_jsonschema()) {
        MESSAGE("schema not validated: Debian's python3-jsonschema is not installed (envelope checked)");
        return j;
    }
    const std::string errors = test::schema_errors(file.string(), test::schema_path(schema));
    CHECK_MESSAGE(errors.empty(), command << ": the JSON of 'orphancheck " << args << "' does not match schemas/" << schema
                                          << ".schema.json:\n"
                                          << errors);
    return j;
}

// "status" of property `name` in a check report ("" when it is not there).
std::string status_of(const nlohmann::json& check, const std::string& name) {
    for (const auto& p : check.at("properties"))
        if (p.at("name") == name) return p.at("status").get<std::string>();
    return "";
}

const std::string kSmall = "--sockets 1 --linger off --unread no --loss no --peer-data no --peer-rst no --fin-timeout 60";

}  // namespace

TEST_CASE("schemas: every schema file is a draft 2020-12 schema that requires the envelope") {
    const fs::path dir = fs::path(ORPHANCHECK_CHECKS) / ".." / "schemas";
    int files = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        const std::string name = entry.path().filename().string();
        if (!name.ends_with(".schema.json")) continue;
        ++files;
        std::ifstream in(entry.path());
        nlohmann::json s;
        try {
            s = nlohmann::json::parse(in);
        } catch (const nlohmann::json::exception& e) {
            FAIL_CHECK(name << " is not JSON: " << e.what());
            continue;
        }
        const std::string command = name.substr(0, name.find('.'));
        CHECK_MESSAGE(s.value("$schema", "") == "https://json-schema.org/draft/2020-12/schema", name << ": $schema is "
                                                                                                   << s.value("$schema", nlohmann::json()).dump());
        for (const char* key : {"tool", "version", "schema", "command"}) {
            const nlohmann::json required = s.value("required", nlohmann::json::array());
            CHECK_MESSAGE(std::find(required.begin(), required.end(), key) != required.end(),
                          name << " does not require \"" << key << "\"; required: " << required.dump());
        }
        const nlohmann::json props = s.value("properties", nlohmann::json::object());
        CHECK_MESSAGE(props.value("command", nlohmann::json()).value("const", "") == command,
                      name << ": \"command\" is not the constant \"" << command << "\": " << props.value("command", nlohmann::json()).dump());
        CHECK_MESSAGE(props.value("schema", nlohmann::json()).value("const", 0) == reports::kJsonSchema,
                      name << ": \"schema\" is not the constant " << reports::kJsonSchema);
        CHECK_MESSAGE(props.value("tool", nlohmann::json()).value("const", "") == "orphancheck",
                      name << ": \"tool\" is not the constant \"orphancheck\"");
    }
    // check, diff, mutate, lifetime, graph, conform, review, host, profiles, properties, rows, events.
    CHECK_MESSAGE(files == 12, "schemas/ holds " << files << " *.schema.json files, expected 12");
}

TEST_CASE("schemas: check (a pass, a violation with its counterexample and a lasso, incomplete, compact and bitstate)") {
    const auto pass = check_json("check", "check", "check " + kSmall + " --quiet --json @JSON@");
    CHECK(pass.value("verdict", "") == "pass");
    const auto patched =
        check_json("check", "check", "check --sockets 1 --quiet --patch " + data("no-orphan-decrement.toml") + " --json @JSON@", {1});
    CHECK(patched.value("verdict", "") == "fail");
    CHECK(patched.contains("config"));
    const auto lasso = check_json("check", "check",
                                  "check --config " + std::string(ORPHANCHECK_CHECKS) +
                                      "/zero-window-orphans.toml --sockets 1 --tcp-retries2 9 --json -",
                                  {1});
    CHECK(status_of(lasso, "eventually-destroyed") == "violated");
    const auto cut = check_json("check", "check", "check --sockets 1 --store compact --max-states 50 --quiet --json @JSON@", {3});
    CHECK(cut.contains("incomplete_reason"));
    const auto bits = check_json("check", "check",
                                 "check " + kSmall + " --store bitstate --bitstate-size 16M --property safety --quiet --json @JSON@");
    CHECK(bits.value("store", nlohmann::json()).contains("expected_coverage"));
}

TEST_CASE("schemas: diff (a regression with its counterexample, a distinguishing trace and a longer lifetime)") {
    // Case study G2: the 60 s split written as >=.
    const std::string g2 = std::string(ORPHANCHECK_CHECKS) + "/../model/patches/cases/fin-wait2-split-off-by-one.toml";
    const auto d = check_json("diff", "diff",
                              "diff linux-6.12 linux-6.12+" + g2 + " --sockets 1 --fin-timeout 60 --linger off --quiet --json @JSON@",
                              {1});
    CHECK(d.value("regression", false));
    CHECK(d.value("lifetime_regression", false));
    CHECK(d.value("distinguishing_trace", nlohmann::json()).value("found", false));
}

TEST_CASE("schemas: mutate (interrupted after 2 s: decided and undecided mutants)") {
    // The 2,093 mutants of even this smallest configuration take more than a minute (76 s, measured 2026-12-07):
    // SIGINT writes the report with the mutants decided so far and the rest undecided, exit 3 (after 2 s: the
    // handler is installed long before, even on a loaded machine).
    const auto m = check_json("mutate", "mutate",
                              "mutate " + kSmall + " --linger2 sysctl --max-orphans 1 --max-tw-buckets 1 --memory-pressure no "
                                                   "--abort no --json @JSON@",
                              {3}, 2);
    CHECK(m.value("mutants", 0) > 0);
    CHECK(m.value("incomplete", 0) > 0);
}

TEST_CASE("schemas: lifetime (with the paths of --explain, and unbounded)") {
    const auto l = check_json("lifetime", "lifetime", "lifetime --linger off --from established --hz 250 --explain --json @JSON@");
    CHECK(!l.value("rows", nlohmann::json::array()).empty());
    // A peer that answers every zero-window probe with tcp_retries2 9: no upper bound (null).
    const auto u = check_json("lifetime", "lifetime", "lifetime --linger off --peer-window closes --tcp-retries2 9 --json -");
    CHECK(u.dump().find("null") != std::string::npos);
}

TEST_CASE("schemas: graph --view full --format json") {
    const auto g = check_json("graph", "graph", "graph --view full " + kSmall + " --format json -o @JSON@");
    CHECK(!g.value("nodes", nlohmann::json::array()).empty());
}

TEST_CASE("schemas: conform --plan --json - (the plan as JSON, no root)") {
    const auto p = check_json("conform", "conform", "conform --plan --profile linux-6.12 --json -");
    CHECK(p.value("plan", false));
    CHECK(p.value("rows", nlohmann::json::array()).size() > 100);
}

TEST_CASE("schemas: review (functions in and outside the model)") {
    const auto r = check_json("review", "review", "review " + data("review/destroy-sock.diff") + " --quiet --json @JSON@");
    CHECK(!r.value("functions", nlohmann::json::array()).empty());
    check_json("review", "review", "review " + data("review/outside.diff") + " --json -");
}

TEST_CASE("schemas: host (this process's namespace, read only)") {
    const test::CliRun probe = test::run_cli("host --json /dev/null");
    if (probe.code == 2) {
        MESSAGE("skipped: host cannot read this machine: " << probe.err);
        return;
    }
    check_json("host", "host", "host --json @JSON@");
}

TEST_CASE("schemas: profiles --json") {
    const auto p = check_json("profiles", "profiles", "profiles --json -");
    CHECK(p.value("profiles", nlohmann::json::array()).size() >= 3);
}

TEST_CASE("schemas: properties --json") {
    const auto p = check_json("properties", "properties", "properties --json @JSON@");
    CHECK(p.value("properties", nlohmann::json::array()).size() == std::size_t(properties::kProperties));
}

TEST_CASE("schemas: rows --json") {
    const auto r = check_json("rows", "rows", "rows --json -");
    CHECK(r.value("rows", nlohmann::json::array()).size() == std::size_t(model::kRows));
}

TEST_CASE("schemas: events --json") {
    const auto e = check_json("events", "events", "events --json -");
    CHECK(e.value("events", nlohmann::json::array()).size() == std::size_t(model::kEventKinds));
}

TEST_CASE("schemas: the lists' --json is checked like every report name, and --json - prints no text") {
    test::check_refused("rows --json rows.svg", "--json");
    test::check_refused("events --json /nonexistent-dir/e.json", "/nonexistent-dir/e.json");
    test::check_refused("properties --json ''", "--json: empty value");
    test::check_refused("profiles --json p.html", "--json");
    const test::CliRun r = test::run_cli("properties --json -");
    CHECK_MESSAGE(r.out.find("orphan-balance ") == std::string::npos, "properties --json - printed text too: " << r.out.substr(0, 300));
}
