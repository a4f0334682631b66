// `orphancheck lifetime --our-fin`: what the network does with our FIN, asked directly.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "helpers.hpp"

using namespace orphancheck;

TEST_CASE("lifetime --our-fin lost: the measured retry kills (errata row 34) lie inside the bounds") {
    // Measured on live kernels: tcp_orphan_retries R = 1, 2, 3, 0 (8) -> gone 1.68, 3.35, 6.66, 106.9 s.
    const std::pair<const char*, double> measured[] = {{"1", 1.68}, {"2", 3.35}, {"3", 6.66}, {"0", 106.9}};
    for (const auto& m : measured) {
        const std::string r = m.first;
        const double seconds = m.second;
        INFO("tcp_orphan_retries " << r << ", measured " << seconds << " s");
        const auto run = test::run_cli("lifetime --linger off --our-fin lost --from established --fin-timeout 60 --json - "
                                       "--orphan-retries " + r);
        INFO(run.err);
        REQUIRE(run.code == 0);
        const auto j = nlohmann::json::parse(run.out);
        REQUIRE(j.at("rows").size() == 1);
        const auto& gone = j.at("rows")[0].at("gone_seconds");
        INFO(gone.dump());
        REQUIRE(gone.at("max").is_number());
        CHECK(gone.at("min").get<double>() <= seconds);
        CHECK(gone.at("max").get<double>() >= seconds);
    }
}

TEST_CASE("lifetime --our-fin delivered vs lost: a lost FIN keeps the orphan longer, the bounds differ") {
    auto gone = [](const std::string& fin) {
        const auto run = test::run_cli("lifetime --linger off --orphan-retries 1 --from established "
                                       "--fin-timeout 60 --json - --our-fin " + fin);
        REQUIRE(run.code == 0);
        return nlohmann::json::parse(run.out).at("rows")[0].at("orphan_seconds");
    };
    const auto lost = gone("lost"), delivered = gone("delivered"), any = gone("any");
    INFO("lost " << lost.dump() << " delivered " << delivered.dump() << " any " << any.dump());
    CHECK(lost != delivered);
    CHECK(lost.at("min").get<double>() > delivered.at("min").get<double>());
    CHECK(any.at("min").get<double>() <= lost.at("min").get<double>());
}

TEST_CASE("lifetime --our-fin: bad or pointless values are one line and exit 2") {
    for (const auto& [args, names] : std::vector<std::pair<std::string, std::string>>{
             {"lifetime --our-fin sometimes", "--our-fin: 'sometimes' is not delivered, lost or any"},
             {"lifetime --our-fin lost --loss no", "--our-fin lost changes nothing with --loss no"},
         })
        test::check_refused(args, names);
}
