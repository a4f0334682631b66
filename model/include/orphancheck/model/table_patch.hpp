// Edits of the extracted close-path table, by row name: how a kernel change
// (or a deliberately broken variant) is expressed without recompiling the
// MSM machine. Applied identically by both engines.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "orphancheck/model/close_path.hpp"
#include "orphancheck/model/guard_expr.hpp"

namespace orphancheck::model {

struct RowEdit {
    enum class Kind { remove_row, drop_effect, add_effect, retarget, guard };
    Kind kind = Kind::remove_row;
    RowId row = RowId::none;
    Effect effect = Effect::orphan_inc;         // drop_effect / add_effect
    TcpState target = TcpState::destroyed;      // retarget: same data, other state
    std::shared_ptr<const GuardExpr> guard{};   // guard: the row's new guard (guard_expr.hpp)
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
    [[nodiscard]] bool empty() const { return edits.empty() && options.empty() && constants.empty(); }
    void apply_options(KernelOptions& k) const;
    // Applies every edit whose row is r.row; a removed row makes the step disabled. (Guard edits act when the
    // machine fires: guard_overrides.)
    void apply(StepResult& r) const;
    [[nodiscard]] bool has_guard_edits() const;
    [[nodiscard]] GuardOverrides guard_overrides() const;
    [[nodiscard]] std::string describe() const;
    // The edits of row `r` as describe() writes them without the row name ("drop send_rst; add orphan_dec"), or "".
    [[nodiscard]] std::string edits_of(RowId r) const;
};

// Fires one event through MSM with the patch's guards and applies the patch's other edits. A guard edit that
// makes two rows of one event hold at once is refused (PatchError naming both): the kernel code it stands for
// takes one path.
StepResult patched_step(MsmClosePath& msm, const TablePatch& patch, const LocalKey& from, EventId ev,
                        GuardInputs in);

}  // namespace orphancheck::model
