#include "patch_file.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <vector>

#include <fmt/format.h>
#include "toml_file.hpp"

#include "check_options.hpp"
#include "orphancheck/model/row_effects.hpp"

namespace orphancheck::cli {
namespace {

std::size_t distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

std::string nearest(const std::string& word, const std::vector<std::string>& names) {
    std::vector<std::pair<std::size_t, std::string>> ranked;
    for (const auto& n : names) ranked.emplace_back(distance(word, n), n);
    std::sort(ranked.begin(), ranked.end());
    std::string s;
    for (std::size_t i = 0; i < ranked.size() && i < 3; ++i) s += (i ? ", " : "") + ranked[i].second;
    return s;
}

std::vector<std::string> row_names() {
    std::vector<std::string> v;
    for (int r = 0; r < model::kRows; ++r) v.emplace_back(model::row_name(model::RowId(r)));
    return v;
}
std::vector<std::string> effect_names() {
    std::vector<std::string> v;
    for (int e = 0; e < model::kEffects; ++e) v.emplace_back(model::effect_name(model::Effect(e)));
    return v;
}
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
// [options]: kernel options (booleans) by name.
void read_options(const std::string& path, const toml::node& v, std::vector<model::OptionEdit>& out) {
    if (!v.is_table()) throw UsageError(fmt::format("{}: 'options' must be a table ([options])", path));
    for (const auto& [key, val] : *v.as_table()) {
        const std::string name(key.str());
        const model::KernelOptionInfo* info = model::find_kernel_option(name);
        if (!info) {
            std::vector<std::string> known;
            for (const auto& o : model::kernel_option_infos()) known.emplace_back(o.name);
            throw UsageError(fmt::format("{}: unknown kernel option '{}' (nearest: {})", path, name, nearest(name, known)));
        }
        const auto on = val.value_exact<bool>();
        if (!on) throw UsageError(fmt::format("{}: option '{}' must be true or false", path, name));
        out.push_back({info, *on});
    }
}

// [constants]: guard constants (integers in their range) by name.
void read_constants(const std::string& path, const toml::node& v, std::vector<model::ConstantEdit>& out) {
    if (!v.is_table()) throw UsageError(fmt::format("{}: 'constants' must be a table ([constants])", path));
    for (const auto& [key, val] : *v.as_table()) {
        const std::string name(key.str());
        const model::KernelConstantInfo* info = model::find_kernel_constant(name);
        if (!info) {
            std::vector<std::string> known;
            for (const auto& c : model::kernel_constant_infos()) known.emplace_back(c.name);
            throw UsageError(fmt::format("{}: unknown guard constant '{}' (nearest: {})", path, name, nearest(name, known)));
        }
        const auto n = val.value_exact<std::int64_t>();
        if (!n || *n < info->min || *n > info->max)
            throw UsageError(
                fmt::format("{}: constant '{}' must be an integer in {}..{}", path, name, info->min, info->max));
        out.push_back({info, int(*n)});
    }
}
}  // namespace

void read_patch_file(const std::string& path, model::TablePatch& patch) {
    const toml::table root = read_toml_file("--patch", path);
    std::vector<model::RowEdit> edits;
    std::vector<model::OptionEdit> options;
    std::vector<model::ConstantEdit> constants;
    std::string name = std::filesystem::path(path).stem().string();
    for (const auto& [toml_key, v] : root) {
        const std::string key(toml_key.str());
        if (key == "name") {
            name = text_of(path, key, v);
        } else if (key == "description") {
            text_of(path, key, v);
        } else if (key == "edit") {
            if (!v.is_array()) throw UsageError(fmt::format("{}: 'edit' must be an array of tables ([[edit]])", path));
            for (const auto& item : *v.as_array()) {
                if (!item.is_table()) throw UsageError(fmt::format("{}: every [[edit]] must be a table", path));
                const auto& t = *item.as_table();
                if (!t.contains("row")) throw UsageError(fmt::format("{}: an [[edit]] has no 'row'", path));
                const std::string row = text_of(path, "row", *t.get("row"));
                const auto id = model::row_from_name(row);
                if (!id) throw UsageError(fmt::format("{}: unknown row '{}' (nearest: {})", path, row, nearest(row, row_names())));
                int kinds = 0;
                for (const auto& [edit_key, val] : t) {
                    const std::string k(edit_key.str());
                    if (k == "row") continue;
                    ++kinds;
                    model::RowEdit e;
                    e.row = *id;
                    if (k == "remove") {
                        if (val.value_exact<bool>() != true)
                            throw UsageError(fmt::format("{}: 'remove' must be true", path));
                        e.kind = model::RowEdit::Kind::remove_row;
                    } else if (k == "drop_effect" || k == "add_effect") {
                        e.kind = k == "drop_effect" ? model::RowEdit::Kind::drop_effect : model::RowEdit::Kind::add_effect;
                        e.effect = effect_of(path, text_of(path, k, val));
                        if (e.kind == model::RowEdit::Kind::drop_effect && !model::row_has_effect(*id, e.effect))
                            throw UsageError(fmt::format("{}: row {} has no effect '{}' to drop", path, row,
                                                         model::effect_name(e.effect)));
                    } else if (k == "retarget") {
                        const std::string st = text_of(path, k, val);
                        const auto names = state_names();
                        const auto it = std::find(names.begin(), names.end(), st);
                        if (it == names.end())
                            throw UsageError(fmt::format("{}: unknown state '{}' (nearest: {})", path, st, nearest(st, names)));
                        e.kind = model::RowEdit::Kind::retarget;
                        e.target = model::TcpState(it - names.begin());
                    } else {
                        throw UsageError(fmt::format(
                            "{}: unknown edit '{}' for row {} (remove, drop_effect, add_effect, retarget)", path, k, row));
                    }
                    edits.push_back(e);
                }
                if (kinds != 1)
                    throw UsageError(fmt::format("{}: the [[edit]] of row {} needs exactly one of remove, drop_effect, "
                                                 "add_effect, retarget",
                                                 path, row));
            }
        } else if (key == "options") {
            read_options(path, v, options);
        } else if (key == "constants") {
            read_constants(path, v, constants);
        } else {
            throw UsageError(fmt::format("{}: unknown key '{}' (name, description, edit, options, constants)", path, key));
        }
    }
    if (edits.empty() && options.empty() && constants.empty())
        throw UsageError(fmt::format("{}: no [[edit]], [options] or [constants]", path));
    patch.name = patch.name.empty() ? name : patch.name + "+" + name;
    patch.edits.insert(patch.edits.end(), edits.begin(), edits.end());
    patch.options.insert(patch.options.end(), options.begin(), options.end());
    patch.constants.insert(patch.constants.end(), constants.begin(), constants.end());
}

}  // namespace orphancheck::cli
