// Edits of the extracted close-path table, by row name: how a kernel change
// (or a deliberately broken variant) is expressed without recompiling the
// MSM machine. Applied identically by both engines.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <string>
#include <vector>

#include "orphancheck/model/close_path.hpp"
#include "orphancheck/model/guard_expr.hpp"

namespace orphancheck::model {

// X(name, member): the socket data a retarget may state (`set = {dead = true, retries = 0}`); the names are those of
// the guard conditions that read them.
#define ORPHANCHECK_DATA_FIELDS(X)                                                                          \
    X(dead, dead) X(owned, owned) X(lingering, lingering) X(tail_pending, tail) X(linger2_negative, l2neg) \
    X(fin_time_long, fin_long) X(write_queue_purged, purged) X(fin_waits_for_window, window_wait)          \
    X(fin_not_queued, fin_unqueued) X(data_ahead_of_fin, data_ahead) X(loss_probe_sent, tlp_sent)           \
    X(retries, retries) X(backoff, backoff)
enum class DataField : std::uint8_t {
#define ORPHANCHECK_DATA_FIELD_ENUM(name, member) name,
    ORPHANCHECK_DATA_FIELDS(ORPHANCHECK_DATA_FIELD_ENUM)
#undef ORPHANCHECK_DATA_FIELD_ENUM
};
#define ORPHANCHECK_DATA_FIELD_COUNT(name, member) +1
inline constexpr int kDataFields = 0 ORPHANCHECK_DATA_FIELDS(ORPHANCHECK_DATA_FIELD_COUNT);
#undef ORPHANCHECK_DATA_FIELD_COUNT
struct DataSet {
    DataField field = DataField::dead;
    int value = 0;  // 0/1 for the flags; retries 0..255, backoff 0..SockData::kMaxBackoff
};
[[nodiscard]] std::optional<DataField> data_field_from_name(std::string_view s);
[[nodiscard]] std::string_view data_field_name(DataField f);
[[nodiscard]] bool data_field_is_flag(DataField f);
void set_data_field(SockData& d, DataField f, int value);

struct RowEdit {
    enum class Kind { remove_row, drop_effect, add_effect, retarget, guard };
    Kind kind = Kind::remove_row;
    RowId row = RowId::none;
    Effect effect = Effect::orphan_inc;         // drop_effect / add_effect
    TcpState target = TcpState::destroyed;      // retarget: same data, other state
    std::shared_ptr<const GuardExpr> guard{};   // guard: the row's new guard (guard_expr.hpp)
    std::vector<DataSet> set{};                 // retarget: socket data stated by the patch
};

// A row a patch adds ([[row]]): on an event of kind `event` in `source`, where `guard` holds (always when it is
// null), it fires before the table's own rows, as a new early branch of the kernel function would: the socket
// enters `target` as the machine enters it (entered_data) from its data before the step, then `set`; the effects
// are exactly `effects`.
struct AddedRow {
    RowId id = RowId::none;  // register_added_row
    TcpState source = TcpState::established;
    EventKind event = EventKind::close;
    std::shared_ptr<const GuardExpr> guard{};
    TcpState target = TcpState::destroyed;
    EffectList effects{};
    std::vector<DataSet> set{};
};

// A patch that cannot be applied (a retarget into a state the MSM machine never enters): bad input.
struct PatchError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Sets one kernel option (kernel_profile.hpp) whatever the profile says.
struct OptionEdit {
    const KernelOptionInfo* option = nullptr;
    bool value = true;
};

// Sets one guard constant (kernel_profile.hpp).
struct ConstantEdit {
    const KernelConstantInfo* constant = nullptr;
    int value = 0;
};

struct TablePatch {
    std::string name;
    std::vector<RowEdit> edits;
    std::vector<OptionEdit> options{};
    std::vector<ConstantEdit> constants{};
    std::vector<AddedRow> rows{};
    [[nodiscard]] bool empty() const { return edits.empty() && options.empty() && constants.empty() && rows.empty(); }
    // The first added row of from.state and ev's kind whose guard holds, as a step (disabled when none does).
    [[nodiscard]] StepResult added_step(const LocalKey& from, EventId ev, GuardInputs in, const SysctlConfig& cfg) const;
    void apply_options(KernelOptions& k) const;
    // Applies every edit whose row is r.row to a step from `from`; a removed row makes the step disabled. A
    // retarget enters its state as the machine would (entered_data), from the data the row left, or from the
    // data before the step when the row's own target had cleared it (a destroyed socket or a bucket retargeted
    // into a live state keeps SOCK_DEAD and the rest); then the patch's `set`. (Guard edits act when the machine
    // fires: guard_overrides.)
    void apply(StepResult& r, const LocalKey& from) const;
    [[nodiscard]] bool has_guard_edits() const;
    [[nodiscard]] GuardOverrides guard_overrides() const;
    [[nodiscard]] std::string describe() const;
    // The edits of row `r` as describe() writes them without the row name ("drop send_rst; add orphan_dec"), or
    // "added" for a row the patch adds, or "".
    [[nodiscard]] std::string edits_of(RowId r) const;
};

// Fires one event: a row the patch adds where one holds, else through MSM with the patch's guards and its other
// edits. A guard edit that
// makes two rows of one event hold at once is refused (PatchError naming both): the kernel code it stands for
// takes one path.
StepResult patched_step(MsmClosePath& msm, const TablePatch& patch, const LocalKey& from, EventId ev,
                        GuardInputs in);

}  // namespace orphancheck::model
