// `orphancheck lifetime`: the timed reading of the model as a table, per
// configuration and close() variant: how long one socket stays an orphan and
// until it is gone (analysis/lifetime.hpp).
#pragma once

#include <string>

#include "check_options.hpp"

namespace orphancheck::cli {

struct LifetimeArgs {
    int linger_seconds = 1;    // SO_LINGER timeout of the linger=timeout variant
    int linger2_seconds = 0;   // TCP_LINGER2 of the short/long variants (0: 30 s and 90 s)
    std::string from = "both";  // established, close-wait or both
    std::string our_fin = "any";  // delivered (never lost), lost (never reaches the peer) or any
    double rto_min_ms = 200;    // TCP_RTO_MIN
    double rto_max_ms = 0;      // the largest un-backed-off RTO, when stated (0: TCP_RTO_MIN + srtt in jiffies)
    double rtt_max_ms = 4;      // the largest srtt (loopback: a few ms at most)
    double step_ms = 10;        // a segment or a step of close() (conform allows 50 on a loaded test host)
    std::string hz = "host";    // CONFIG_HZ: host (the running kernel's, else any), any, or a number
    bool explain = false;       // print the path behind each least and most time
    std::string json_path;
    std::string svg_path;  // the timeline chart (reports/lifetime_svg.hpp), or "-" for stdout
};

// The defaults of the model options for lifetime: one socket, a peer that never answers (segments may be
// lost, the peer neither closes, resets nor sends), the kernel's default sysctls.
OptionValues lifetime_defaults();

// Exit code 0; bad input throws UsageError.
int run_lifetime(const LifetimeArgs& args, const checker::ExploreSpec& spec);

}  // namespace orphancheck::cli
