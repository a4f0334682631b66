// What the step properties see of one socket's move: what stimulated it,
// the local configuration before and after, the segments it sent and the
// global guard inputs. And, per socket configuration, which of its events
// are enabled (for the properties about events that must stay possible).
#pragma once

#include <cstdint>
#include <string>

#include "orphancheck/model/events.hpp"
#include "orphancheck/model/local.hpp"
#include "orphancheck/properties/property.hpp"

namespace orphancheck::properties {

// The stimulus of a step as the TCP specification names it (declared with each event, events.hpp).
using model::Stimulus;

struct StepView {
    Stimulus what = Stimulus::close;
    model::CloseOpts opts{};  // close; shutdown: window_closed and unacked only
    model::LocalKey from{}, to{};
    bool rst_sent = false;
    bool fin_sent = false;
    bool probe_sent = false;  // a zero-window probe
    bool oom = false;      // tcp_check_oom() true
    // tcp_probe_timer's first test: an orphan no longer "alive" whose backoff reached its budget is aborted
    // silently, before the OOM check (SysctlConfig::probe_backoff_spent of the socket's backoff).
    bool probe_backoff_spent = false;
    bool tw_full = false;  // no timewait bucket available
    int incs = 0;          // orphan count increments of the step
    int decs = 0;          // orphan count decrements of the step
    bool freed = false;    // the socket was freed (inet_csk_destroy_sock, or a request socket's reqsk_put)
};

// Step properties (rfc-transitions, rst-discipline, oom-kill, tw-handoff) this step violates.
[[nodiscard]] PropertyMask violated_by_step(const StepView& s);

// What step property `p` expected of step `s` and what the step did instead, for the last step of a
// counterexample: "close() with unread data: expected an RST, none was sent". "" when `s` does not violate `p`.
[[nodiscard]] std::string explain_step(PropertyId p, const StepView& s);

// Events enabled in one socket configuration (under one set of guard inputs).
struct EnabledView {
    model::LocalKey local{};
    bool every_close = false;    // every close() variant and shutdown() the application may call here is handled
    bool abort_allowed = false;  // the run lets an administrator call tcp_abort
    std::uint64_t kinds = 0;     // bit k: an event of EventKind k (other than close) is enabled
    static_assert(model::kEventKinds <= 64, "one bit per event kind");
    void enable(model::EventKind k) { kinds |= std::uint64_t(1) << unsigned(k); }
    [[nodiscard]] bool has(model::EventKind k) const { return (kinds >> unsigned(k)) & 1u; }
};

// timer-armed, close-progress and abort-accepted violations of this configuration.
[[nodiscard]] PropertyMask violated_by_enabled(const EnabledView& e);
// Why the configuration breaks property p (what was expected to be enabled and is not), or "" if it does not.
[[nodiscard]] std::string explain_enabled(PropertyId p, const EnabledView& e);

}  // namespace orphancheck::properties
