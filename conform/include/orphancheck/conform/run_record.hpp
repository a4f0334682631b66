// What one scenario run recorded in its namespace: the sampled observations
// of our sockets over time and the orphan counts, as the child process sends
// them to the parent (JSON through a pipe).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "orphancheck/conform/observation.hpp"
#include "orphancheck/conform/scenario.hpp"

namespace orphancheck::conform {

struct Sample {
    double t = 0;  // seconds since the first sample
    std::vector<Observation> sockets;  // our sockets, by connection
    std::vector<std::uint8_t> timers;       // idiag_timer of each (0 when gone)
    std::vector<std::uint8_t> retransmits;  // idiag_retrans of each: RTO retransmissions so far
    int counter = 0;  // kernel orphan counter (global) minus its value before the run
    int listed = 0;   // full sockets of the namespace without an owner (orphans as inet_diag sees them)
};

struct RunRecord {
    std::vector<Sample> samples;       // one per change
    std::vector<double> closed_at;     // when close() was called on each of our sockets (-1: never)
    std::vector<double> shut_at;       // when shutdown(SHUT_WR) was called on each (-1: never)
    double max_gap_ms = 0;             // longest time between two samples
    std::map<std::string, long long> mib;  // TcpExt counters that changed, and by how much
    bool all_gone = false;             // every socket of ours was gone before the deadline
    std::string error;                 // set when the run could not be carried out
};

// In the child (inside the private namespace): runs the scenario and records it.
[[nodiscard]] RunRecord record_scenario(const Scenario& s);

[[nodiscard]] std::string to_json(const RunRecord& r);
[[nodiscard]] RunRecord run_record_from_json(const std::string& text);  // throws std::runtime_error

}  // namespace orphancheck::conform
