#include "patch_rows.hpp"

#include <cctype>
#include <memory>

#include <fmt/format.h>

#include "check_options.hpp"
#include "orphancheck/model/guard_expr.hpp"
#include "patch_values.hpp"

namespace orphancheck::cli {
namespace {
bool is_identifier(const std::string& s) {
    if (s.empty() || s.size() > 64 || !std::islower(static_cast<unsigned char>(s[0]))) return false;
    for (const char c : s)
        if (!std::islower(static_cast<unsigned char>(c)) && !std::isdigit(static_cast<unsigned char>(c)) && c != '_')
            return false;
    return true;
}

// "FIN_WAIT2, FIN_WAIT2 (keepalive) timer fires if dead && !fin_time_long -> DESTROYED (send_rst, destroy)"
std::string summary_of(const model::AddedRow& a) {
    return fmt::format("{}, {}{} -> {}{}", model::state_name(a.source), model::kind_label(a.event),
                       a.guard ? " if " + a.guard->text : "", model::state_name(a.target),
                       a.effects.size ? " (" + a.effects.str() + ")" : "");
}
}  // namespace

model::AddedRow read_added_row(const std::string& path, const toml::table& t) {
    const auto need = [&](const char* key) -> const toml::node& {
        const toml::node* n = t.get(key);
        if (!n) throw UsageError(fmt::format("{}: a [[row]] has no '{}' (name, function, from, event, to)", path, key));
        return *n;
    };
    const std::string name = text_of(path, "name", need("name"));
    if (!is_identifier(name))
        throw UsageError(fmt::format("{}: row name '{}' must be lower case letters, digits and _ (at most 64)", path, name));
    if (model::row_from_name(name))
        throw UsageError(fmt::format("{}: row {} is already in the table: edit it with an [[edit]] instead", path, name));
    for (const auto& [key, val] : t) {
        const std::string k(key.str());
        if (k != "name" && k != "function" && k != "from" && k != "event" && k != "guard" && k != "to" &&
            k != "effects" && k != "set")
            throw UsageError(fmt::format("{}: unknown key '{}' in [[row]] {} (name, function, from, event, guard, to, "
                                         "effects, set)",
                                         path, k, name));
    }
    const std::string function = text_of(path, "function", need("function"));
    if (function.empty() || function.size() > 64)
        throw UsageError(fmt::format("{}: 'function' of row {} must name the kernel function (1 to 64 characters)", path, name));

    model::AddedRow a;
    a.source = state_of(path, text_of(path, "from", need("from")));
    if (a.source == model::TcpState::destroyed)
        throw UsageError(fmt::format("{}: row {} starts in DESTROYED: the socket is freed, no kernel code runs on it",
                                     path, name));
    a.event = event_of(path, text_of(path, "event", need("event")));
    a.target = state_of(path, text_of(path, "to", need("to")));
    if (const toml::node* g = t.get("guard")) {
        const std::string text = text_of(path, "guard", *g);
        try {
            a.guard = std::make_shared<const model::GuardExpr>(model::parse_guard(text, a.event, name));
        } catch (const model::GuardSyntaxError& err) {
            throw UsageError(fmt::format("{}: guard of row {}: {} in \"{}\"", path, name, err.what(), text));
        }
    }
    if (const toml::node* fx = t.get("effects")) {
        const toml::array* list = fx->as_array();
        if (!list) throw UsageError(fmt::format("{}: 'effects' of row {} must be a list ([\"send_rst\"])", path, name));
        if (list->size() > a.effects.items.size())
            throw UsageError(fmt::format("{}: row {} has more than {} effects", path, name, a.effects.items.size()));
        for (const toml::node& e : *list) {
            const model::Effect effect = effect_of(path, text_of(path, "effects", e));
            if (const auto why = model::effect_label_only_reason(effect); !why.empty())
                throw UsageError(fmt::format("{}: effect '{}' of row {} would change nothing checked: {}", path,
                                             model::effect_name(effect), name, why));
            a.effects.push(effect);
        }
    }
    if (const toml::node* set = t.get("set")) a.set = read_data_set(path, name, *set);
    try {
        a.id = model::register_added_row(name, function, summary_of(a));
    } catch (const model::AddedRowsExhausted& e) {
        throw UsageError(fmt::format("{}: row {}: {}", path, name, e.what()));
    }
    return a;
}

}  // namespace orphancheck::cli
