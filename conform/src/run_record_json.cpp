// RunRecord <-> JSON, the format the child sends its record to the parent in.
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "orphancheck/conform/run_record.hpp"

namespace orphancheck::conform {
namespace {
using nlohmann::json;

json obs_json(const Observation& o) { return json::array({int(o.kind), o.state, o.orphan}); }
Observation obs_from(const json& j) {
    return {Observation::Kind(j.at(0).get<int>()), j.at(1).get<std::uint8_t>(), j.at(2).get<bool>()};
}
}  // namespace

std::string to_json(const RunRecord& r) {
    json samples = json::array();
    for (const Sample& s : r.samples) {
        json socks = json::array();
        for (const Observation& o : s.sockets) socks.push_back(obs_json(o));
        samples.push_back({{"t", s.t}, {"sockets", socks}, {"timers", s.timers}, {"retransmits", s.retransmits}, {"counter", s.counter},
                           {"listed", s.listed}});
    }
    return json{{"samples", samples}, {"closed_at", r.closed_at}, {"shut_at", r.shut_at}, {"max_gap_ms", r.max_gap_ms}, {"mib", r.mib},
                {"all_gone", r.all_gone}, {"error", r.error}}
        .dump();
}

RunRecord run_record_from_json(const std::string& text) {
    try {
        const json j = json::parse(text);
        RunRecord r;
        for (const json& s : j.at("samples")) {
            Sample x;
            x.t = s.at("t").get<double>();
            for (const json& o : s.at("sockets")) x.sockets.push_back(obs_from(o));
            x.timers = s.at("timers").get<std::vector<std::uint8_t>>();
            x.retransmits = s.at("retransmits").get<std::vector<std::uint8_t>>();
            x.counter = s.at("counter").get<int>();
            x.listed = s.at("listed").get<int>();
            r.samples.push_back(std::move(x));
        }
        r.closed_at = j.at("closed_at").get<std::vector<double>>();
        r.shut_at = j.value("shut_at", std::vector<double>(r.closed_at.size(), -1.0));
        r.max_gap_ms = j.at("max_gap_ms").get<double>();
        r.mib = j.at("mib").get<std::map<std::string, long long>>();
        r.all_gone = j.at("all_gone").get<bool>();
        r.error = j.at("error").get<std::string>();
        return r;
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(std::string("the run's record is not readable: ") + e.what());
    }
}

}  // namespace orphancheck::conform
