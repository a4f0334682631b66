// What the step properties see of one socket's move: what stimulated it,
// the local configuration before and after, the segments it sent and the
// global guard inputs. And, per socket configuration, which of its events
// are enabled (for the properties about events that must stay possible).
#pragma once

#include <cstdint>

#include "orphancheck/model/events.hpp"
#include "orphancheck/model/local.hpp"
#include "orphancheck/properties/property.hpp"

namespace orphancheck::properties {

// The stimulus of a step as the TCP specification names it.
enum class Stimulus : std::uint8_t {
    close,         // close() (with opts)
    linger_wake,   // the SO_LINGER wait ends
    close_tail,    // the rest of __tcp_close
    release_sock,  // tcp_close releases the socket lock
    ack,           // the peer's ACK of our FIN
    fin,           // the peer's FIN (not acking our FIN)
    fin_ack,       // the peer's FIN that also acks our FIN
    data,          // new data from the peer
    rst,           // an acceptable RST from the peer
    rto,           // retransmit timer, budget left
    rto_timeout,   // retransmit timer, budget spent
    keepalive,     // FIN_WAIT2 (keepalive) timer
    tw_expire,     // timewait timer
    abort,         // tcp_abort: ss -K / SOCK_DESTROY (RFC 793 ABORT)
};

struct StepView {
    Stimulus what = Stimulus::close;
    model::CloseOpts opts{};  // close only
    model::LocalKey from{}, to{};
    bool rst_sent = false;
    bool fin_sent = false;
    bool oom = false;      // tcp_check_oom() true
    bool tw_full = false;  // no timewait bucket available
};

// Step properties (rfc-transitions, rst-discipline, oom-kill, tw-handoff) this step violates.
[[nodiscard]] PropertyMask violated_by_step(const StepView& s);

// Events enabled in one socket configuration (under one set of guard inputs).
struct EnabledView {
    model::LocalKey local{};
    bool every_close = false;  // every configured close() variant is handled
    bool linger_wake = false;
    bool close_tail = false;
    bool release_sock = false;
    bool rto = false;  // rto_expire or rto_timed_out
    bool keepalive = false;
    bool tw_expire = false;
    bool abort_allowed = false;  // the run lets an administrator call tcp_abort
    bool abort = false;
};

// timer-armed, close-progress and abort-accepted violations of this configuration.
[[nodiscard]] PropertyMask violated_by_enabled(const EnabledView& e);

}  // namespace orphancheck::properties
