// `orphancheck host`: the orphans on a running machine, why each is there and how long it can still live.
#pragma once

#include <string>
#include <vector>

namespace orphancheck::cli {

struct HostArgs {
    std::vector<std::string> netns;  // names under /run/netns, process ids, or "all"; none: this namespace
    double watch = 0;                // seconds to watch for (0: read once)
    std::string json_path;           // FILE, or - for stdout
    std::string explain;             // ADDR:PORT of one socket
};

// Exit 0; 1 when a watched socket died outside its predicted window; bad input throws UsageError.
int run_host(const HostArgs& args);

}  // namespace orphancheck::cli
