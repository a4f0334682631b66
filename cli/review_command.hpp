// `orphancheck review KERNEL.diff`: the model rows, guards and properties a kernel diff touches.
#pragma once

#include <string>

#include "orphancheck/analysis/review.hpp"

namespace orphancheck::cli {

struct ReviewArgs {
    std::string diff;       // a unified diff of the kernel's sources, or - for standard input
    std::string json_path;  // FILE, or - for stdout
    std::string skeleton;   // patch-file skeleton to write
    bool quiet = false;
};

// Reads and maps the diff at `path` (- for standard input); a file that is not a unified diff, or larger than
// 16 MiB, or binary, throws UsageError.
[[nodiscard]] analysis::Review read_review(const std::string& path);

// Exit 0 (the listing is the answer); bad input throws UsageError.
int run_review(const ReviewArgs& args);

}  // namespace orphancheck::cli
