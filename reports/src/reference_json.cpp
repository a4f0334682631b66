#include "orphancheck/reports/reference_json.hpp"

#include <string>

#include "orphancheck/model/close_path.hpp"
#include "orphancheck/model/events.hpp"
#include "orphancheck/model/kernel_profile.hpp"
#include "orphancheck/model/rows.hpp"
#include "orphancheck/model/tcp_state.hpp"
#include "orphancheck/properties/property.hpp"
#include "orphancheck/reports/json_envelope.hpp"

namespace orphancheck::reports {
using nlohmann::json;

namespace {
std::string_view kind_name(properties::PropertyKind k) {
    switch (k) {
        case properties::PropertyKind::invariant: return "invariant";
        case properties::PropertyKind::step: return "step";
        case properties::PropertyKind::terminal: return "terminal";
        case properties::PropertyKind::liveness: return "liveness";
    }
    return "?";
}
}  // namespace

json profiles_json() {
    json profiles = json::array();
    for (const auto& p : model::kernel_profiles()) {
        json options = json::object();
        for (const auto& o : model::kernel_option_infos()) options[std::string(o.name)] = p.options.*o.member;
        profiles.push_back({{"name", p.name},
                            {"default", p.name == model::kDefaultProfile},
                            {"release", p.release},
                            {"options", options},
                            {"notes", p.notes}});
    }
    json options = json::array();
    for (const auto& o : model::kernel_option_infos())
        options.push_back({{"name", o.name}, {"meaning", o.meaning}, {"introduced_by", o.change}});
    json constants = json::array();
    const model::KernelOptions defaults;
    for (const auto& c : model::kernel_constant_infos())
        constants.push_back({{"name", c.name}, {"default", defaults.*c.member}, {"min", c.min}, {"max", c.max},
                             {"meaning", c.meaning}});
    return enveloped("profiles", {{"profiles", profiles}, {"kernel_options", options}, {"guard_constants", constants}});
}

json properties_json() {
    json list = json::array();
    for (auto p : properties::all_properties()) {
        const auto& i = properties::info(p);
        list.push_back({{"name", i.name}, {"kind", kind_name(i.kind)}, {"meaning", i.meaning}, {"kernel_rule", i.kernel_rule}});
    }
    return enveloped("properties", {{"properties", list}});
}

json rows_json() {
    json list = json::array();
    for (const model::RowDescription& d : model::describe_table())
        list.push_back({{"name", model::row_name(d.row)},
                        {"source", model::state_name(d.source)},
                        {"event", model::kind_label(d.event)},
                        {"target", model::state_name(d.target)},
                        {"guard", d.guard.empty() ? "true" : d.guard},
                        {"actions", d.actions},
                        {"kernel_function", model::row_kernel_function(d.row)},
                        {"summary", model::row_summary(d.row)}});
    return enveloped("rows", {{"rows", list}});
}

json events_json() {
    json list = json::array();
    for (const model::EventInfo& i : model::event_infos()) {
        json rows = json::array();
        for (const model::RowDescription& d : model::describe_table())
            if (d.event == i.kind) rows.push_back(model::row_name(d.row));
        list.push_back({{"id", i.id},
                        {"kernel_function", i.kernel_function},
                        {"fired_by", model::source_name(i.source)},
                        {"fairness", model::fairness_name(i.fairness)},
                        {"timing", model::timing_name(i.timing)},
                        {"text", i.text},
                        {"rows", rows}});
    }
    return enveloped("events", {{"events", list}});
}

}  // namespace orphancheck::reports
