// `orphancheck conform`: run a scenario on the live kernel in a private
// namespace and check what happened against the model of that configuration.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "orphancheck/analysis/lifetime.hpp"
#include "orphancheck/conform/run_record.hpp"
#include "orphancheck/conform/trace_check.hpp"

namespace orphancheck::conform {

// A measured time and the model's bounds for it (max: nullopt = unbounded).
struct TimeCheck {
    double measured = 0;
    double min = 0;
    std::optional<double> max;
    bool within = true;
};

struct ScenarioResult {
    const Scenario* scenario = nullptr;
    enum class Verdict { agree, disagree, incomplete } verdict = Verdict::incomplete;
    std::string detail;  // disagree: the first step the model does not allow; incomplete: why
    RunRecord record;
    std::vector<TraceCheck> sockets;      // one per connection
    std::vector<model::RowId> confirmed;  // rows some socket's trace cannot be explained without
    int peak_orphans = 0;                 // most of our sockets seen as orphans at once
    int settled_orphans = 0;              // our sockets that were orphans 0.5 s after the last close()
    int peak_counter = 0;                 // highest kernel orphan counter (minus its start)
    std::string counter_problem;          // empty: the counter followed the listed orphans
    std::vector<TimeCheck> orphan_times;  // per socket that was seen as an orphan
    std::vector<TimeCheck> gone_times;    // close() to gone, per socket that went
    int counter_before_close = 0;         // highest kernel orphan counter before the first close() (shutdown: 0)
    bool timed = true;                    // false: the timed reading does not cover the run (shutdown() first)
    analysis::Lifetime predicted;         // the model's bounds (orphan_times and gone_times are checked against them;
                                          // unbounded when !timed)
    bool interrupted = false;
};

// Empty when the kernel's orphan counter followed the orphans listed in the run's namespace (a lag under 100 ms
// is allowed, not at the end); else when and by how much it did not. `outside`: the counter counted more than
// the run's orphans, so another process's socket moved it (the host-wide counter), not a verdict on the model.
[[nodiscard]] std::string counter_problem(const RunRecord& r, bool& outside);

// The kernel profile of the running kernel (from uname): linux-5.15, linux-6.12 or linux-6.18.
[[nodiscard]] std::string running_kernel_profile();
// The timed reading's clock for this host: its CONFIG_HZ when readable, else every common one; srtt up to
// 50 ms (a loaded host).
[[nodiscard]] analysis::Clock host_clock();

// Runs the scenario (global sysctls restored on every exit path) and checks it.
[[nodiscard]] ScenarioResult run_scenario(const Scenario& s, const std::string& profile);

}  // namespace orphancheck::conform
