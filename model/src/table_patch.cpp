#include "orphancheck/model/table_patch.hpp"

#include <fmt/format.h>

namespace orphancheck::model {

namespace {
constexpr std::string_view kFieldNames[] = {
#define ORPHANCHECK_DATA_FIELD_NAME(name, member) #name,
    ORPHANCHECK_DATA_FIELDS(ORPHANCHECK_DATA_FIELD_NAME)
#undef ORPHANCHECK_DATA_FIELD_NAME
};

// " (dead=true, retries=0)", or "" when nothing is set.
std::string set_text(const std::vector<DataSet>& set) {
    std::string s;
    for (const DataSet& x : set)
        s += fmt::format("{}{}={}", s.empty() ? " (" : ", ", kFieldNames[std::size_t(x.field)],
                         x.field == DataField::retries || x.field == DataField::backoff ? std::to_string(x.value)
                                                                                        : x.value ? "true" : "false");
    return s.empty() ? s : s + ")";
}

// A state whose entry clears the socket's data (the full socket is gone).
bool clears_data(TcpState s) { return s == TcpState::destroyed || holds_tw_bucket(s); }
}  // namespace

std::optional<DataField> data_field_from_name(std::string_view s) {
    for (std::size_t i = 0; i < std::size(kFieldNames); ++i)
        if (kFieldNames[i] == s) return DataField(i);
    return std::nullopt;
}

std::string_view data_field_name(DataField f) { return kFieldNames[std::size_t(f)]; }

bool data_field_is_flag(DataField f) { return f != DataField::retries && f != DataField::backoff; }

void set_data_field(SockData& d, DataField f, int value) {
    switch (f) {
#define ORPHANCHECK_DATA_FIELD_SET(name, member) \
    case DataField::name: d.member = decltype(d.member)(value); break;
        ORPHANCHECK_DATA_FIELDS(ORPHANCHECK_DATA_FIELD_SET)
#undef ORPHANCHECK_DATA_FIELD_SET
    }
}

void TablePatch::apply(StepResult& r, const LocalKey& from) const {
    if (!r.enabled) return;
    for (const RowEdit& e : edits) {
        if (e.row != r.row) continue;
        switch (e.kind) {
            case RowEdit::Kind::remove_row: r = StepResult{}; return;
            case RowEdit::Kind::drop_effect: r.effects.remove(e.effect); break;
            case RowEdit::Kind::add_effect: r.effects.push(e.effect); break;
            case RowEdit::Kind::retarget: {
                const SockData left = clears_data(r.next.state) && !clears_data(e.target) ? from.data : r.next.data;
                r.next = {e.target, entered_data(e.target, left)};
                for (const DataSet& x : e.set) set_data_field(r.next.data, x.field, x.value);
                break;
            }
            case RowEdit::Kind::guard: break;  // decided when the machine fired
        }
    }
}

StepResult TablePatch::added_step(const LocalKey& from, EventId ev, GuardInputs in, const SysctlConfig& cfg) const {
    for (const AddedRow& a : rows) {
        if (a.source != from.state || a.event != kind_of(ev) || (a.guard && !guard_holds(*a.guard, from, ev, in, cfg)))
            continue;
        StepResult r;
        r.enabled = true;
        r.row = a.id;
        r.effects = a.effects;
        r.next = {a.target, entered_data(a.target, from.data)};
        for (const DataSet& x : a.set) set_data_field(r.next.data, x.field, x.value);
        return r;
    }
    return {};
}

bool TablePatch::has_guard_edits() const {
    for (const RowEdit& e : edits)
        if (e.kind == RowEdit::Kind::guard) return true;
    return false;
}

GuardOverrides TablePatch::guard_overrides() const {
    GuardOverrides g;
    for (const RowEdit& e : edits)
        if (e.kind == RowEdit::Kind::guard) g.by_row[std::size_t(e.row)] = e.guard.get();
    return g;
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
                s += fmt::format("{}: retarget to {}{}", row_name(e.row), state_name(e.target), set_text(e.set));
                break;
            case RowEdit::Kind::guard: s += fmt::format("{}: guard {}", row_name(e.row), e.guard->text); break;
        }
    }
    for (const AddedRow& a : rows) s += fmt::format("{}add row {}: {}", s.empty() ? "" : "; ", row_name(a.id), row_summary(a.id));
    return s;
}

std::string TablePatch::edits_of(RowId r) const {
    for (const AddedRow& a : rows)
        if (a.id == r) return "added";
    std::string s;
    for (const RowEdit& e : edits) {
        if (e.row != r) continue;
        if (!s.empty()) s += "; ";
        switch (e.kind) {
            case RowEdit::Kind::remove_row: s += "removed"; break;
            case RowEdit::Kind::drop_effect: s += fmt::format("drop {}", effect_name(e.effect)); break;
            case RowEdit::Kind::add_effect: s += fmt::format("add {}", effect_name(e.effect)); break;
            case RowEdit::Kind::retarget: s += fmt::format("retarget to {}{}", state_name(e.target), set_text(e.set)); break;
            case RowEdit::Kind::guard: s += fmt::format("guard {}", e.guard->text); break;
        }
    }
    return s;
}

namespace {
// Every guard-edited row of from.state alone, and the row that fired without it: another row that holds as well
// is an overlap, unless the two overlapped before the edit (close_fin and close_fin_alloc_failed do: the machine
// takes the row it tries first).
void refuse_overlaps(MsmClosePath& msm, const TablePatch& patch, const GuardOverrides& g, const LocalKey& from,
                     EventId ev, GuardInputs in, const StepResult& fired) {
    for (const RowEdit& e : patch.edits) {
        if (e.kind != RowEdit::Kind::guard || describe_table()[std::size_t(e.row)].source != from.state) continue;
        GuardOverrides alone = g;
        alone.only = e.row;
        GuardOverrides others = g;
        others.without = e.row;
        const bool holds = msm.fire(from, ev, in, &alone).enabled;
        const StepResult other = fired.enabled && fired.row != e.row ? fired : msm.fire(from, ev, in, &others);
        if (!holds || !other.enabled) continue;
        // An overlap the table already has (the machine takes the row it tries first) is not the patch's doing.
        GuardOverrides alone_before, others_before;
        alone_before.only = e.row;
        others_before.without = e.row;
        const StepResult other_before = msm.fire(from, ev, in, &others_before);
        if (msm.fire(from, ev, in, &alone_before).enabled && other_before.enabled && other_before.row == other.row)
            continue;
        throw PatchError(fmt::format(
            "the new guard of row {} holds where row {} fires too ({}, {}{}{}): a kernel path is taken or not, so "
            "edit the guard of {} as well",
            row_name(e.row), row_name(other.row), describe(from), event_name(ev), in.oom ? ", check_oom" : "",
            in.tw_full ? ", tw_buckets_full" : "", row_name(other.row)));
    }
}
}  // namespace

StepResult patched_step(MsmClosePath& msm, const TablePatch& patch, const LocalKey& from, EventId ev,
                        GuardInputs in) {
    if (!patch.rows.empty())
        if (StepResult r = patch.added_step(from, ev, in, msm.config()); r.enabled) return r;
    if (!patch.has_guard_edits()) {
        StepResult r = msm.fire(from, ev, in);
        patch.apply(r, from);
        return r;
    }
    const GuardOverrides g = patch.guard_overrides();
    StepResult r = msm.fire(from, ev, in, &g);
    refuse_overlaps(msm, patch, g, from, ev, in, r);
    patch.apply(r, from);
    return r;
}

}  // namespace orphancheck::model
