// The named properties orphancheck checks, with their meaning and the
// kernel rule each stands for, and their evaluation on global states.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "orphancheck/properties/socket_view.hpp"

namespace orphancheck::properties {

enum class PropertyId : std::uint8_t {
    no_deadlock,
    eventually_destroyed,
    orphan_balance,
    counter_never_negative,
    single_increment,
    single_decrement,
    counter_zero_at_end,
    orphan_classification,
    rfc_transitions,
    rst_discipline,
    oom_kill,
    tw_handoff,
    timer_armed,
    close_progress,
    abort_accepted,
    child_forget,
    listener_drains,
    reqsk_silent,
};
inline constexpr int kProperties = 18;

enum class PropertyKind : std::uint8_t {
    invariant,  // checked in every reachable state
    step,       // checked on every reachable step of a socket
    terminal,   // checked in states without successors
    liveness,   // needs the whole graph (stuck states and fair cycles)
};

struct PropertyInfo {
    PropertyId id;
    std::string_view name;
    PropertyKind kind;
    std::string_view meaning;
    std::string_view kernel_rule;
};

[[nodiscard]] const PropertyInfo& info(PropertyId p);
[[nodiscard]] std::optional<PropertyId> property_from_name(std::string_view s);
[[nodiscard]] std::vector<PropertyId> all_properties();

using PropertyMask = std::uint32_t;
[[nodiscard]] constexpr PropertyMask bit(PropertyId p) { return PropertyMask(1) << int(p); }

struct GlobalView {
    int counter = 0;  // tcp_orphan_count as the sum of all cpus
    std::span<const SocketView* const> sockets;
};

[[nodiscard]] bool all_finished(const GlobalView& g);
// Invariants violated in this state (subset of `wanted`).
[[nodiscard]] PropertyMask violated_invariants(const GlobalView& g, PropertyMask wanted);
// Terminal-state properties violated when this state has no successor.
[[nodiscard]] PropertyMask violated_at_terminal(const GlobalView& g, PropertyMask wanted);
// What state or terminal property `p` expected of `g` and what `g` has instead, for the last state of a
// counterexample ("the counter is -1: expected never below 0"); "" for the other properties.
[[nodiscard]] std::string explain_state(PropertyId p, const GlobalView& g);

}  // namespace orphancheck::properties
