// How long a socket seen on a host can still live, from its timer's expiry and the kernel's timer rules (the
// same rules the timed reading of the model follows: analysis/timed.hpp).
#pragma once

#include "orphancheck/analysis/timed.hpp"
#include "orphancheck/conform/inet_diag.hpp"
#include "orphancheck/model/config.hpp"

namespace orphancheck::host {

// An orphan on the retransmit timer (its FIN unacknowledged): tcp_write_timeout kills it at the first RTO
// expiry whose time since the first RTO retransmission reaches tcp_model_timeout(tcp_orphan_retries) (or at
// once when the RTO reached TCP_RTO_MAX and tcp_orphan_retries is 0); with `oom` at its next expiry.
[[nodiscard]] analysis::Interval retransmit_left(const conform::DiagSocket& s, const model::SysctlConfig& cfg, bool oom,
                                                 const analysis::Clock& c);
// An orphan on the zero-window probe timer: least if no probe is answered (it gives up when icsk_probes_out
// reaches its budget), most if every probe is (only the backoff reaching TCP_RTO_MAX ends it; never when
// tcp_retries2 stops the backoff below that: no upper bound).
[[nodiscard]] analysis::Interval probe_left(const conform::DiagSocket& s, const model::SysctlConfig& cfg, bool oom,
                                            const analysis::Clock& c);
// A timer that ends the socket (or its time as an orphan) when it fires: its expiry, late by the wheel.
[[nodiscard]] analysis::Interval timer_left(const conform::DiagSocket& s, const analysis::Clock& c);

}  // namespace orphancheck::host
