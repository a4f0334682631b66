// `orphancheck review KERNEL.diff`: the model rows, guards and properties a kernel diff touches.
#pragma once

#include <string>

namespace orphancheck::cli {

struct ReviewArgs {
    std::string diff;       // a unified diff of the kernel's sources, or - for standard input
    std::string json_path;  // FILE, or - for stdout
    std::string skeleton;   // patch-file skeleton to write
    bool quiet = false;
};

// Exit 0 (the listing is the answer); a file that is not a unified diff throws UsageError.
int run_review(const ReviewArgs& args);

}  // namespace orphancheck::cli
