#include "orphancheck/reports/report.hpp"

#include "orphancheck/reports/json_envelope.hpp"

namespace orphancheck::reports {
using nlohmann::json;

json trace_json(const checker::Trace& t) {
    json steps = json::array();
    for (const auto& s : t.steps)
        steps.push_back({{"event", s.event},
                         {"socket", s.socket},
                         {"kernel_function", s.kernel_function},
                         {"rows", s.rows},
                         {"patched", s.patched},
                         {"state", s.state},
                         {"network", s.network},
                         {"orphans", s.orphans},
                         {"orphan_cache", s.orphan_cache}});
    json j{{"config", t.config}, {"steps", steps}};
    if (t.cycle_start >= 0) j["cycle_start"] = t.cycle_start;
    if (!t.note.empty()) j["note"] = t.note;
    return j;
}

namespace {

const char* store_name(checker::StoreKind k) {
    switch (k) {
        case checker::StoreKind::full: return "full";
        case checker::StoreKind::compact: return "compact";
        case checker::StoreKind::bitstate: return "bitstate";
    }
    return "full";
}

// --shutdown: "no" (close() of an open connection), "wr" (shutdown(SHUT_WR) first, close() later).
json shutdown_choices(const checker::CaseConfig& c) {
    json v = json::array();
    if (c.close_first) v.push_back("no");
    if (c.shutdown_first) v.push_back("wr");
    return v;
}

json config_json(const checker::ExploreSpec& spec) {
    json cases = json::array();
    for (const auto& c : spec.cases) {
        json closes = json::array();
        for (auto e : c.close_events) closes.push_back(model::event_name(e));
        cases.push_back({{"tcp_fin_timeout", c.sysctl.fin_timeout_seconds},
                         {"tcp_orphan_retries", c.sysctl.orphan_retries},
                         {"tcp_max_orphans", c.sysctl.max_orphans},
                         {"tcp_max_tw_buckets", c.sysctl.max_tw_buckets},
                         {"memory_pressure", c.sysctl.memory_pressure},
                         {"tcp_retries2", c.sysctl.retries2},
                         {"tcp_user_timeout_ms", c.sysctl.user_timeout_ms},
                         {"fin_alloc_fail", c.sysctl.fin_alloc_fail},
                         {"loss_probe", c.sysctl.loss_probe},
                         {"kernel", c.sysctl.describe()},
                         {"peer", {{"fin", c.peer.fin}, {"rst", c.peer.rst}, {"data", c.peer.data}, {"loss", c.peer.loss},
                                   {"abort", c.peer.abort}}},
                         {"close", closes},
                         {"shutdown", shutdown_choices(c)}});
    }
    json j{{"profile", spec.profile},
           {"sockets", spec.sockets},
           {"engine", spec.engine == checker::Engine::table ? "table" : "msm"},
           {"symmetry", spec.symmetry},
           {"por", spec.por},
           {"store", store_name(spec.store)},
           {"threads", spec.threads},
           {"max_states", spec.max_states},
           {"memory_limit_bytes", spec.memory_limit_bytes},
           {"memory_limit_auto", spec.memory_available_bytes != 0},
           {"time_limit", spec.time_limit_seconds},
           {"cases", cases}};
    if (!spec.patch.empty()) j["patch"] = {{"name", spec.patch.name}, {"edits", spec.patch.describe()}};
    if (!spec.roles.empty()) {
        json roles = json::array();
        for (model::SlotRole r : spec.roles) roles.push_back(model::role_name(r));
        j["roles"] = roles;
    }
    return j;
}
}  // namespace

json to_json(const checker::ExploreSpec& spec, const checker::ExploreResult& r) {
    const auto& s = r.stats;
    json props = json::array();
    for (const auto& p : r.properties) {
        json jp{{"name", properties::info(p.id).name}, {"status", status_name(p.status)}};
        if (p.counterexample) jp["counterexample"] = trace_json(*p.counterexample);
        props.push_back(jp);
    }
    json j = enveloped("check", {{"verdict", verdict_name(r.verdict)},
                                 {"config", config_json(spec)},
                                 {"stats",
                                  {{"states", s.states},
                                   {"raw_states", spec.roles.empty() ? json(s.raw_states) : json(nullptr)},
                                   {"ample_states", s.ample_states},
                                   {"transitions", s.transitions},
                                   {"depth", s.depth},
                                   {"seconds", s.seconds},
                                   {"explore_seconds", s.explore_seconds},
                                   {"liveness_seconds", s.liveness_seconds},
                                   {"states_per_second", s.states_per_second},
                                   {"bytes_per_state", s.bytes_per_state},
                                   {"peak_rss_bytes", s.peak_rss_bytes},
                                   {"socket_configs", s.socket_configs}}},
                                 {"properties", props}});
    if (!r.incomplete_reason.empty()) j["incomplete_reason"] = r.incomplete_reason;
    if (!s.liveness_method.empty()) j["stats"]["liveness_method"] = s.liveness_method;
    if (s.ranks > 1)
        j["stats"]["ranks"] = {{"count", s.ranks},
                               {"max_store_bytes", s.max_rank_store_bytes},
                               {"max_peak_rss_bytes", s.max_rank_peak_rss_bytes}};
    j["store"] = {{"kind", store_name(s.store)}, {"lossy", s.store != checker::StoreKind::full}};
    if (s.store == checker::StoreKind::compact) j["store"]["collision_probability"] = s.collision_probability;
    if (s.store == checker::StoreKind::bitstate) {
        j["store"]["expected_omissions"] = s.expected_omissions;
        j["store"]["expected_coverage"] = double(s.states) / (double(s.states) + s.expected_omissions);
    }
    return j;
}

}  // namespace orphancheck::reports
