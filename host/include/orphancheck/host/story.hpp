// One socket of a running host read into the model: what it is (a counted orphan, a timewait bucket, an open
// or shut-down socket, something the model does not cover), why it is still there, the model configuration it
// is in and the rows that can fire next, and how long it can still live, from the kernel's timer rules and
// what inet_diag shows (the timer's expiry, retransmissions, probes, backoff, RTO) under its namespace's sysctls.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "orphancheck/analysis/timed.hpp"
#include "orphancheck/host/reading.hpp"
#include "orphancheck/model/config.hpp"
#include "orphancheck/model/local.hpp"
#include "orphancheck/model/rows.hpp"

namespace orphancheck::host {

enum class SocketKind : std::uint8_t {
    orphan,           // a full socket without a file, counted in tcp_orphan_count
    timewait_bucket,  // inet_timewait_sock: the full socket is gone, not an orphan
    open,             // has its file: ESTABLISHED, CLOSE_WAIT, or shut down / close() lingering
    listener,
    outside,          // a state or a situation the model does not cover (handshakes, request sockets, ...)
};
[[nodiscard]] std::string_view kind_name(SocketKind k);

// What the host says that the socket's story depends on.
struct HostFacts {
    bool oom_now = false;      // tcp_check_oom would fire: orphans > tcp_max_orphans, or memory
    int max_orphans = 0;       // (unknown from outside the initial namespace: then the kernel default's floor)
    analysis::Clock clock;     // the host's HZ when known
};

struct SocketStory {
    SocketKind kind = SocketKind::outside;
    std::string state;   // the kernel's name: FIN_WAIT1, TIME_WAIT, ...
    std::string cause;   // why it is still there: "FIN not acknowledged", "zero window", ...
    std::optional<model::LocalKey> local;  // the model configuration, when the model has it
    std::string model;   // describe(local), or why there is none
    std::vector<model::RowId> next_rows;   // rows the model can fire from here
    bool counted = false;                   // one of tcp_orphan_count's
    std::optional<analysis::Interval> orphan_left, gone_left;  // from now; none when not timed
    std::string next;    // what the kernel does at the next expiry
};

// The model configuration of a namespace (its sysctls; tcp_max_orphans is global).
[[nodiscard]] model::SysctlConfig sysctl_config(const NamespaceSysctls& s, int max_orphans);

// A shortest path of the model from an open connection to `local`: each step's event and rows ("close()
// (close_fin)"), or nothing when the model does not reach it.
[[nodiscard]] std::vector<std::string> model_path(const model::SysctlConfig& cfg, const model::LocalKey& local);

[[nodiscard]] SocketStory tell(const conform::DiagSocket& s, const NamespaceSysctls& sysctls, const HostFacts& facts);

// "127.0.0.1:5000 -> 127.0.0.1:41234"
[[nodiscard]] std::string address(const conform::DiagSocket& s);

}  // namespace orphancheck::host
