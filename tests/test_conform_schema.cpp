// Issue 18: the JSON of a live conform run has the envelope and matches schemas/conform.schema.json (the
// model's commands, conform --plan among them, are validated in test_schemas.cpp). Here, among the live-kernel
// tests, because a run uses the kernel's global orphan counter and conform's host-wide lock.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "helpers.hpp"
#include "live_kernel.hpp"
#include "schema_check.hpp"

TEST_CASE("conform: the JSON of a run matches schemas/conform.schema.json") {
    LIVE_KERNEL_OR_SKIP();
    const std::string file = "/tmp/oc-conform-schema-" + std::to_string(::getpid()) + ".json";
    // Two short scenarios: RSTs at close() and a timewait overflow, a second or two each.
    const std::string args = "conform --scenario linger-zero --scenario tw-overflow --json " + file;
    const orphancheck::test::CliRun r = orphancheck::test::run_cli(args);
    CHECK_MESSAGE((r.code == 0 || r.code == 1 || r.code == 3),
                  "conform: 'orphancheck " << args << "' exited " << r.code << "; stderr: " << r.err);
    std::ifstream in(file);
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        std::remove(file.c_str());
        FAIL("conform: 'orphancheck " << args << "' wrote no JSON (" << e.what() << "); stderr: " << r.err);
    }
    CHECK_MESSAGE(j.value("command", "") == "conform", "conform: \"command\" is " << j.value("command", nlohmann::json()).dump());
    CHECK_MESSAGE(j.value("plan", true) == false, "conform: a run's \"plan\" is " << j.value("plan", nlohmann::json()).dump());
    if (!orphancheck::test::have_jsonschema()) {
        std::remove(file.c_str());
        MESSAGE("skipped: Debian's python3-jsonschema is not installed");
        return;
    }
    const std::string errors = orphancheck::test::schema_errors(file, orphancheck::test::schema_path("conform"));
    std::remove(file.c_str());
    CHECK_MESSAGE(errors.empty(), "conform: the JSON of 'orphancheck " << args
                                                                      << "' does not match schemas/conform.schema.json:\n"
                                                                      << errors);
}
