#include "orphancheck/model/table_patch.hpp"

#include <fmt/format.h>

namespace orphancheck::model {

void TablePatch::apply(StepResult& r) const {
    if (!r.enabled) return;
    for (const RowEdit& e : edits) {
        if (e.row != r.row) continue;
        switch (e.kind) {
            case RowEdit::Kind::remove_row: r = StepResult{}; return;
            case RowEdit::Kind::drop_effect: r.effects.remove(e.effect); break;
            case RowEdit::Kind::add_effect: r.effects.push(e.effect); break;
            case RowEdit::Kind::retarget: r.next.state = e.target; break;
        }
    }
}

void TablePatch::apply_options(KernelOptions& k) const {
    for (const OptionEdit& o : options) k.*(o.option->member) = o.value;
    for (const ConstantEdit& c : constants) k.*(c.constant->member) = c.value;
}

std::string TablePatch::describe() const {
    std::string s;
    for (const OptionEdit& o : options) s += fmt::format("{}{}={}", s.empty() ? "" : "; ", o.option->name, o.value);
    for (const ConstantEdit& c : constants) s += fmt::format("{}{}={}", s.empty() ? "" : "; ", c.constant->name, c.value);
    for (const RowEdit& e : edits) {
        if (!s.empty()) s += "; ";
        switch (e.kind) {
            case RowEdit::Kind::remove_row: s += fmt::format("remove {}", row_name(e.row)); break;
            case RowEdit::Kind::drop_effect:
                s += fmt::format("{}: drop {}", row_name(e.row), effect_name(e.effect));
                break;
            case RowEdit::Kind::add_effect:
                s += fmt::format("{}: add {}", row_name(e.row), effect_name(e.effect));
                break;
            case RowEdit::Kind::retarget:
                s += fmt::format("{}: retarget to {}", row_name(e.row), state_name(e.target));
                break;
        }
    }
    return s;
}

std::string TablePatch::edits_of(RowId r) const {
    std::string s;
    for (const RowEdit& e : edits) {
        if (e.row != r) continue;
        if (!s.empty()) s += "; ";
        switch (e.kind) {
            case RowEdit::Kind::remove_row: s += "removed"; break;
            case RowEdit::Kind::drop_effect: s += fmt::format("drop {}", effect_name(e.effect)); break;
            case RowEdit::Kind::add_effect: s += fmt::format("add {}", effect_name(e.effect)); break;
            case RowEdit::Kind::retarget: s += fmt::format("retarget to {}", state_name(e.target)); break;
        }
    }
    return s;
}

StepResult patched_step(MsmClosePath& msm, const TablePatch& patch, const LocalKey& from, EventId ev,
                        GuardInputs in) {
    StepResult r = msm.fire(from, ev, in);
    patch.apply(r);
    return r;
}

}  // namespace orphancheck::model
