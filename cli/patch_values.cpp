#include "patch_values.hpp"

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>

#include "check_options.hpp"
#include "orphancheck/model/nearest.hpp"

namespace orphancheck::cli {

std::string nearest(const std::string& word, const std::vector<std::string>& names) {
    return model::nearest_names(word, names);
}

std::vector<std::string> row_names() {
    std::vector<std::string> v;
    for (int r = 0; r < model::kRows; ++r) v.emplace_back(model::row_name(model::RowId(r)));
    return v;
}
namespace {
std::vector<std::string> effect_names() {
    std::vector<std::string> v;
    for (int e = 0; e < model::kEffects; ++e) v.emplace_back(model::effect_name(model::Effect(e)));
    return v;
}
}  // namespace

std::vector<std::string> state_names() {
    std::vector<std::string> v;
    for (int s = 0; s < model::kTcpStates; ++s) v.emplace_back(model::state_name(model::TcpState(s)));
    return v;
}

std::string text_of(const std::string& path, std::string_view key, const toml::node& v) {
    const auto s = v.value_exact<std::string>();
    if (!s) throw UsageError(fmt::format("{}: '{}' must be a string", path, key));
    return *s;
}

model::Effect effect_of(const std::string& path, const std::string& name) {
    const auto e = model::effect_from_name(name);
    if (!e) throw UsageError(fmt::format("{}: unknown effect '{}' (nearest: {})", path, name, nearest(name, effect_names())));
    return *e;
}
model::TcpState state_of(const std::string& path, const std::string& name) {
    const auto names = state_names();
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end())
        throw UsageError(fmt::format("{}: unknown state '{}' (nearest: {})", path, name, nearest(name, names)));
    return model::TcpState(it - names.begin());
}

model::EventKind event_of(const std::string& path, const std::string& name) {
    std::vector<std::string> names;
    for (const model::EventInfo& i : model::event_infos()) {
        if (i.id == name) return i.kind;
        names.emplace_back(i.id);
    }
    throw UsageError(fmt::format("{}: unknown event '{}' (nearest: {})", path, name, nearest(name, names)));
}

std::vector<model::DataSet> read_data_set(const std::string& path, const std::string& row, const toml::node& v) {
    if (!v.is_table()) throw UsageError(fmt::format("{}: 'set' of row {} must be an inline table ({{dead = true}})", path, row));
    std::vector<model::DataSet> out;
    for (const auto& [key, val] : *v.as_table()) {
        const std::string name(key.str());
        const auto f = model::data_field_from_name(name);
        if (!f) {
            std::vector<std::string> known;
            for (int i = 0; i < model::kDataFields; ++i) known.emplace_back(model::data_field_name(model::DataField(i)));
            throw UsageError(fmt::format("{}: 'set' of row {}: unknown socket data '{}' (nearest: {})", path, row, name,
                                         nearest(name, known)));
        }
        if (model::data_field_is_flag(*f)) {
            const auto b = val.value_exact<bool>();
            if (!b) throw UsageError(fmt::format("{}: 'set' of row {}: '{}' must be true or false", path, row, name));
            out.push_back({*f, *b ? 1 : 0});
        } else {
            const int max = *f == model::DataField::retries ? 255 : model::SockData::kMaxBackoff;
            const auto n = val.value_exact<std::int64_t>();
            if (!n || *n < 0 || *n > max)
                throw UsageError(fmt::format("{}: 'set' of row {}: '{}' must be an integer in 0..{}", path, row, name, max));
            out.push_back({*f, int(*n)});
        }
    }
    if (out.empty()) throw UsageError(fmt::format("{}: 'set' of row {} is empty", path, row));
    return out;
}

}  // namespace orphancheck::cli
