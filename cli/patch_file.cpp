#include "patch_file.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <vector>

#include <fmt/format.h>
#include "toml_file.hpp"

#include "check_options.hpp"
#include "orphancheck/model/guard_expr.hpp"
#include "orphancheck/model/row_effects.hpp"
#include "patch_rows.hpp"
#include "patch_values.hpp"

namespace orphancheck::cli {
namespace {

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

// One patch file's content, read and checked on its own.
struct PatchFileText {
    std::string path, name;
    std::vector<model::RowEdit> edits;
    std::vector<int> edit_numbers;  // the [[edit]] each edit came from, counted from 1 in its file
    std::vector<model::OptionEdit> options;
    std::vector<model::ConstantEdit> constants;
    std::vector<model::AddedRow> rows;
};

PatchFileText parse_patch_file(const std::string& path) {
    const toml::table root = read_toml_file("--patch", path);
    PatchFileText f{path, std::filesystem::path(path).stem().string(), {}, {}, {}, {}, {}};
    std::string& name = f.name;
    std::vector<model::RowEdit>& edits = f.edits;
    std::vector<model::OptionEdit>& options = f.options;
    std::vector<model::ConstantEdit>& constants = f.constants;
    int number = 0;
    for (const auto& [toml_key, v] : root) {
        const std::string key(toml_key.str());
        if (key == "name") {
            name = text_of(path, key, v);
        } else if (key == "description") {
            (void)text_of(path, key, v);  // a string, checked
        } else if (key == "edit") {
            if (!v.is_array()) throw UsageError(fmt::format("{}: 'edit' must be an array of tables ([[edit]])", path));
            for (const auto& item : *v.as_array()) {
                ++number;
                if (!item.is_table()) throw UsageError(fmt::format("{}: every [[edit]] must be a table", path));
                const auto& t = *item.as_table();
                if (!t.contains("row")) throw UsageError(fmt::format("{}: an [[edit]] has no 'row'", path));
                const std::string row = text_of(path, "row", *t.get("row"));
                const auto id = model::row_from_name(row);
                if (!id && root.contains("row"))
                    if (const auto* rows = root.get("row")->as_array())
                        for (const auto& r : *rows)
                            if (r.is_table() && r.as_table()->contains("name") &&
                                r.as_table()->get("name")->value_exact<std::string>() == row)
                                throw UsageError(fmt::format("{}: row {} is added by this patch: change its [[row]] "
                                                             "instead of editing it",
                                                             path, row));
                if (!id) throw UsageError(fmt::format("{}: unknown row '{}' (nearest: {})", path, row, nearest(row, row_names())));
                int kinds = 0;
                for (const auto& [edit_key, val] : t) {
                    const std::string k(edit_key.str());
                    if (k == "row" || k == "set") continue;
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
                        if (const auto why = model::effect_label_only_reason(e.effect); !why.empty())
                            throw UsageError(fmt::format("{}: {} of '{}' (row {}) would change nothing checked: {}",
                                                         path, k, model::effect_name(e.effect), row, why));
                        if (e.kind == model::RowEdit::Kind::drop_effect && !model::row_has_effect(*id, e.effect))
                            throw UsageError(fmt::format("{}: row {} has no effect '{}' to drop", path, row,
                                                         model::effect_name(e.effect)));
                    } else if (k == "retarget") {
                        e.kind = model::RowEdit::Kind::retarget;
                        e.target = state_of(path, text_of(path, k, val));
                    } else if (k == "guard") {
                        const std::string text = text_of(path, k, val);
                        e.kind = model::RowEdit::Kind::guard;
                        try {
                            e.guard = std::make_shared<const model::GuardExpr>(model::parse_guard(text, *id));
                        } catch (const model::GuardSyntaxError& err) {
                            throw UsageError(fmt::format("{}: guard of row {}: {} in \"{}\"", path, row, err.what(), text));
                        }
                    } else {
                        throw UsageError(fmt::format(
                            "{}: unknown edit '{}' for row {} (remove, drop_effect, add_effect, retarget, guard)", path,
                            k, row));
                    }
                    edits.push_back(e);
                    f.edit_numbers.push_back(number);
                }
                if (kinds != 1)
                    throw UsageError(fmt::format("{}: the [[edit]] of row {} needs exactly one of remove, drop_effect, "
                                                 "add_effect, retarget, guard",
                                                 path, row));
                if (const toml::node* set = t.get("set")) {
                    if (edits.back().kind != model::RowEdit::Kind::retarget)
                        throw UsageError(fmt::format("{}: 'set' of row {} goes with a retarget only", path, row));
                    edits.back().set = read_data_set(path, row, *set);
                }
            }
        } else if (key == "row") {
            if (!v.is_array()) throw UsageError(fmt::format("{}: 'row' must be an array of tables ([[row]])", path));
            for (const auto& item : *v.as_array()) {
                if (!item.is_table()) throw UsageError(fmt::format("{}: every [[row]] must be a table", path));
                f.rows.push_back(read_added_row(path, *item.as_table()));
            }
        } else if (key == "options") {
            read_options(path, v, options);
        } else if (key == "constants") {
            read_constants(path, v, constants);
        } else {
            throw UsageError(
                fmt::format("{}: unknown key '{}' (name, description, edit, row, options, constants)", path, key));
        }
    }
    if (edits.empty() && options.empty() && constants.empty() && f.rows.empty())
        throw UsageError(fmt::format("{}: no [[edit]], [[row]], [options] or [constants]", path));
    return f;
}

// An edit as the patch file writes it: "ack_last_ack: add_effect orphan_dec".
std::string edit_text(const model::RowEdit& e) {
    const std::string row(model::row_name(e.row));
    switch (e.kind) {
        case model::RowEdit::Kind::remove_row: return row + ": remove";
        case model::RowEdit::Kind::drop_effect: return fmt::format("{}: drop_effect {}", row, model::effect_name(e.effect));
        case model::RowEdit::Kind::add_effect: return fmt::format("{}: add_effect {}", row, model::effect_name(e.effect));
        case model::RowEdit::Kind::retarget: return fmt::format("{}: retarget {}", row, model::state_name(e.target));
        case model::RowEdit::Kind::guard: return fmt::format("{}: guard {}", row, e.guard->text);
    }
    return row;
}

// Why two edits cannot both be meant, or "" when they can: one edit twice, or two whose outcome would depend on
// their order or on one of them being ignored.
std::string conflict(const model::RowEdit& a, const model::RowEdit& b) {
    using Kind = model::RowEdit::Kind;
    if (a.row != b.row) return "";
    if (a.kind == Kind::guard && b.kind == Kind::guard) return a.guard->text == b.guard->text ? "repeats" : "a row has one guard";
    if (a.kind == b.kind && a.effect == b.effect && a.target == b.target && a.kind != Kind::guard) return "repeats";
    if (a.kind == Kind::remove_row || b.kind == Kind::remove_row) return "a removed row takes no other edit";
    if (a.kind == Kind::retarget && b.kind == Kind::retarget) return "a row has one target state";
    if (a.effect == b.effect && (a.kind == Kind::add_effect || a.kind == Kind::drop_effect) &&
        (b.kind == Kind::add_effect || b.kind == Kind::drop_effect))
        return "adding and dropping one effect";
    return "";
}
}  // namespace

void read_patch_files(const std::vector<std::string>& paths, model::TablePatch& patch) {
    std::vector<PatchFileText> files;
    for (const std::string& path : paths) files.push_back(parse_patch_file(path));
    for (std::size_t j = 0; j < files.size(); ++j) {
        const PatchFileText& fb = files[j];
        for (std::size_t i = 0; i < j; ++i) {
            std::error_code ec;
            if (files[i].path == fb.path || std::filesystem::equivalent(files[i].path, fb.path, ec))
                throw UsageError(files[i].path == fb.path
                                     ? fmt::format("{}: the same patch file is given twice", fb.path)
                                     : fmt::format("{}: the same patch file as {}, given twice", fb.path, files[i].path));
        }
        // Each edit against every earlier one, in this file and the files before it.
        for (std::size_t y = 0; y < fb.edits.size(); ++y)
            for (std::size_t i = 0; i <= j; ++i) {
                const PatchFileText& fa = files[i];
                for (std::size_t x = 0; x < (i == j ? y : fa.edits.size()); ++x) {
                    const std::string why = conflict(fa.edits[x], fb.edits[y]);
                    if (why.empty()) continue;
                    const std::string other =
                        fmt::format("[[edit]] {}{}", fa.edit_numbers[x], i == j ? "" : " of " + fa.path);
                    if (why == "repeats")
                        throw UsageError(fmt::format("{}: [[edit]] {} ({}) repeats {}", fb.path, fb.edit_numbers[y],
                                                     edit_text(fb.edits[y]), other));
                    throw UsageError(fmt::format("{}: [[edit]] {} ({}) conflicts with {} ({}): {}", fb.path,
                                                 fb.edit_numbers[y], edit_text(fb.edits[y]), other,
                                                 edit_text(fa.edits[x]), why));
                }
            }
        for (std::size_t i = 0; i <= j; ++i)
            for (std::size_t y = 0; y < fb.rows.size(); ++y)
                for (std::size_t x = 0; x < (i == j ? y : files[i].rows.size()); ++x)
                    if (model::row_name(files[i].rows[x].id) == model::row_name(fb.rows[y].id))
                        throw UsageError(fmt::format("{}: row {} is added twice (also in {})", fb.path,
                                                     model::row_name(fb.rows[y].id), files[i].path));
        for (std::size_t i = 0; i < j; ++i) {
            for (const model::OptionEdit& o : fb.options)
                for (const model::OptionEdit& p : files[i].options)
                    if (o.option == p.option)
                        throw UsageError(fmt::format("{}: [options] {} is set again (also in {})", fb.path,
                                                     o.option->name, files[i].path));
            for (const model::ConstantEdit& c : fb.constants)
                for (const model::ConstantEdit& p : files[i].constants)
                    if (c.constant == p.constant)
                        throw UsageError(fmt::format("{}: [constants] {} is set again (also in {})", fb.path,
                                                     c.constant->name, files[i].path));
        }
    }
    for (const PatchFileText& f : files) {
        patch.name = patch.name.empty() ? f.name : patch.name + "+" + f.name;
        patch.edits.insert(patch.edits.end(), f.edits.begin(), f.edits.end());
        patch.options.insert(patch.options.end(), f.options.begin(), f.options.end());
        patch.constants.insert(patch.constants.end(), f.constants.begin(), f.constants.end());
        patch.rows.insert(patch.rows.end(), f.rows.begin(), f.rows.end());
    }
}

void read_patch_file(const std::string& path, model::TablePatch& patch) { read_patch_files({path}, patch); }

}  // namespace orphancheck::cli
