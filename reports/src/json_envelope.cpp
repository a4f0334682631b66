#include "orphancheck/reports/json_envelope.hpp"

#include <stdexcept>
#include <string>

#include "orphancheck/reports/report.hpp"

namespace orphancheck::reports {

nlohmann::json envelope(std::string_view command) {
    return {{"tool", "orphancheck"}, {"version", kVersion}, {"schema", kJsonSchema}, {"command", std::string(command)}};
}

nlohmann::json enveloped(std::string_view command, const nlohmann::json& body) {
    if (!body.is_object()) throw std::logic_error("JSON envelope of " + std::string(command) + ": the body is not an object");
    nlohmann::json j = envelope(command);
    for (const auto& item : body.items()) {
        if (j.contains(item.key()))
            throw std::logic_error("JSON envelope of " + std::string(command) + ": the body has its own '" + item.key() + "'");
        j[item.key()] = item.value();
    }
    return j;
}

}  // namespace orphancheck::reports
