// Distributed exploration: `mpirun -np P orphancheck check` gives the one-process run's states, transitions,
// depth, configurations and verdicts (property by property, with shortest counterexamples of the same length),
// with and without symmetry reduction, on the compact store and under the partial-order reduction; bad input
// under mpirun is one line and exit 2; when a rank dies the others stop (exit 3, a message) rather than hang.
// Built where Open MPI and Boost.MPI are (ORPHANCHECK_HAVE_MPI); skipped with a message where mpirun is missing.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>

#include "cli_run.hpp"

namespace {
using orphancheck::test::run_cli;
using orphancheck::test::run_shell;

bool have_mpirun() {
    if (run_shell("command -v mpirun >/dev/null").code == 0) return true;
    MESSAGE("skipped: mpirun is not installed (apt install openmpi-bin)");
    return false;
}

// mpirun as these tests start it: quiet (no notice of its own on a non-zero exit status), oversubscribed (more
// ranks than cores), allowed as root (CI runs as root).
std::string mpirun(int ranks) {
    return "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 mpirun -q "
           "-np " +
           std::to_string(ranks) + " " + ORPHANCHECK_BIN + " ";
}

nlohmann::json check_json(const std::string& prefix, const std::string& args, int& code) {
    const std::string err = "oc_mpi_test_stderr_" + std::to_string(getpid()) + ".txt";
    const auto r = run_shell(prefix + "check --json - " + args + " 2>" + err, false);
    code = r.code;
    INFO("command: " << prefix << "check --json - " << args << "\nstdout: " << r.out.substr(0, 2000));
    std::remove(err.c_str());
    REQUIRE(nlohmann::json::accept(r.out));
    return nlohmann::json::parse(r.out);
}

void same_as_one_process(const std::string& args, const std::vector<int>& ranks) {
    int one_code = 0;
    const nlohmann::json one = check_json(std::string(ORPHANCHECK_BIN) + " ", args + " --threads 1", one_code);
    for (int p : ranks) {
        INFO("mpirun -np " << p << " orphancheck check " << args);
        int code = 0;
        const nlohmann::json many = check_json(mpirun(p), args, code);
        CHECK(code == one_code);
        CHECK(many.at("verdict") == one.at("verdict"));
        CHECK(many.at("stats").at("ranks").at("count") == p);
        if (one.at("verdict") != "fail") {  // a failing run stops once every property has failed, inside a level
            for (const char* k : {"states", "transitions", "depth", "socket_configs", "raw_states"}) {
                INFO("stats." << k);
                CHECK(many.at("stats").at(k) == one.at("stats").at(k));
            }
            // Each rank holds its share of the store (the tables grow in powers of two: at most 0.6 of the whole
            // where the store is past its initial size).
            if (one.at("stats").at("states").get<double>() > 300000)
                CHECK(many.at("stats").at("ranks").at("max_store_bytes").get<double>() <=
                  0.6 * one.at("stats").at("bytes_per_state").get<double>() * one.at("stats").at("states").get<double>());
        }
        const auto& ps = one.at("properties");
        REQUIRE(many.at("properties").size() == ps.size());
        for (std::size_t i = 0; i < ps.size(); ++i) {
            const auto& a = ps[i];
            const auto& b = many.at("properties")[i];
            INFO("property " << a.at("name"));
            CHECK(b.at("status") == a.at("status"));
            if (!a.contains("counterexample")) continue;
            REQUIRE(b.contains("counterexample"));
            const auto& ca = a.at("counterexample");
            const auto& cb = b.at("counterexample");
            if (ca.value("cycle_start", -1) < 0)  // breadth-first on every rank count: shortest paths
                CHECK(cb.at("steps").size() == ca.at("steps").size());
            else  // a lasso: a stem and a cycle of at least one step
                CHECK(cb.value("cycle_start", -1) >= 0);
            if (cb.value("cycle_start", -1) >= 0)
                CHECK(cb.value("cycle_start", -1) < int(cb.at("steps").size()) - 1);
        }
    }
}

const std::string kSilent = "--linger off --linger2 sysctl --unread no --peer-data no --peer-rst no --fin-timeout 60,120 "
                            "--peer-fin no --liveness global ";
}  // namespace

TEST_CASE("mpirun: a silent peer at three sockets, the counts and verdicts of one process") {
    if (!have_mpirun()) return;
    for (const char* sym : {"yes", "no"})
        same_as_one_process(kSilent + "--sockets 3 --symmetry " + sym, {2, 3});
}

TEST_CASE("mpirun: the default peer without loss at two sockets with every socket option, as one process") {
    if (!have_mpirun()) return;
    same_as_one_process("--linger all --unread all --fin-timeout 60 --loss no --symmetry yes", {2});
}

TEST_CASE("mpirun: violations found across ranks (a FIN that cannot be allocated), as one process finds them") {
    if (!have_mpirun()) return;
    for (const char* sym : {"yes", "no"})
        same_as_one_process(kSilent + "--sockets 2 --fin-alloc-fail yes --symmetry " + std::string(sym), {2});
}

TEST_CASE("mpirun: a weakly fair cycle (answered zero-window probes) found across ranks as a lasso") {
    if (!have_mpirun()) return;
    for (const char* sym : {"yes", "no"})
        same_as_one_process("--sockets 2 --peer-window closes --tcp-retries2 9 --linger off --unread no --peer-fin no "
                            "--peer-rst no --peer-data no --loss no --orphan-retries 0 --liveness global --symmetry " +
                                std::string(sym),
                            {2});
}

TEST_CASE("mpirun: the compact store and the partial-order reduction across ranks") {
    if (!have_mpirun()) return;
    same_as_one_process(kSilent + "--sockets 4 --store compact --property safety", {2});
    same_as_one_process(kSilent + "--sockets 4 --por yes --property safety", {2});
}

TEST_CASE("mpirun: bad input is one line and exit 2") {
    if (!have_mpirun()) return;
    struct Case {
        std::string args, names;
    };
    for (const Case& c : {Case{"check --threads 2", "--threads 2 with 2 mpirun ranks"},
                          Case{"check --memory-limit 20M", "--memory-limit 20M split across 2 ranks"},
                          Case{"check --html x.html", "--html with mpirun ranks"},
                          Case{"graph --format dot", "only check runs across mpirun's ranks"},
                          Case{"check --engine msm", "--engine msm runs in one process"},
                          Case{"check --sockets 99", "sockets"}}) {
        const std::string err = "oc_mpi_test_stderr_" + std::to_string(getpid()) + ".txt";
        const auto r = run_shell(mpirun(2) + c.args + " 2>" + err, false);
        std::ifstream e(err);
        const std::string text((std::istreambuf_iterator<char>(e)), {});
        std::remove(err.c_str());
        INFO("mpirun -np 2 orphancheck " << c.args << "\nstderr: " << text);
        CHECK(r.code == 2);
        CHECK(r.out.find("verdict") == std::string::npos);
        REQUIRE(!text.empty());
        CHECK(text.find('\n') == text.size() - 1);  // rank 0 says it; the others say nothing
        CHECK(text.find(c.names) != std::string::npos);
    }
}

TEST_CASE("mpirun: when a rank dies the other ranks stop, exit 3 with a message, and mpirun ends") {
    if (!have_mpirun()) return;
    // A search of minutes; rank 1 is killed once both ranks run; `timeout` would end a hang (status 124).
    const auto r = run_shell("(" + mpirun(2) + "check --sockets 3 --progress >/dev/null & M=$!; "
                             "for i in $(seq 100); do [ $(pgrep -P $M | wc -l) -ge 2 ] && break; sleep 0.1; done; "
                             "sleep 2; kill -9 $(pgrep -P $M | tail -1); wait $M; echo \"mpirun status $?\") 2>&1",
                             false);
    INFO("output: " << r.out);
    CHECK(r.out.find("a rank stopped") != std::string::npos);
    CHECK(r.out.find("mpirun status 0") == std::string::npos);
    CHECK(r.out.find("mpirun status 124") == std::string::npos);
}
