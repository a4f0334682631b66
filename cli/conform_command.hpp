// `orphancheck conform`: live-kernel conformance scenarios.
#pragma once

#include <string>
#include <vector>

namespace orphancheck::cli {

struct ConformArgs {
    std::vector<std::string> scenarios;  // names, or "all" (the default: every short scenario)
    bool long_runs = false;              // include the long scenarios
    bool list = false;
    bool plan = false;                   // which scenarios can confirm which rows (from the model; no kernel)
    bool verbose = false;                // every socket's samples, also when it agrees
    std::string json_path;
    std::string profile;                 // empty: the running kernel's
};

// Exit code: 0 every scenario agrees, 1 one disagrees, 2 cannot run (no root, bad name), 3 incomplete,
// 130 interrupted.
int run_conform(const ConformArgs& args);

}  // namespace orphancheck::cli
