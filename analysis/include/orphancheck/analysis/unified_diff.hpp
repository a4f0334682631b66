// A unified diff (git diff, diff -u) read into files, hunks and the kernel functions each hunk changes: the
// function its hunk header names (git's function context) and any function whose definition starts inside
// the hunk, so that a change is attributed to the function it lies in.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace orphancheck::analysis {

// Not a unified diff, or a malformed one: the message names the line.
struct DiffSyntaxError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct FunctionChange {
    std::string function;  // "" when the change lies outside any function the diff names (file scope)
    std::string file;      // the new file's path, without git's "b/"
    int first_line = 0, last_line = 0;  // changed lines, in the new file (removed lines: where they were)
};

struct DiffHunk {
    std::string file;
    int old_start = 0, old_count = 0, new_start = 0, new_count = 0;
    std::string header_function;  // from "@@ ... @@ void __tcp_close(struct sock *sk, long timeout)"
};

struct UnifiedDiff {
    std::vector<DiffHunk> hunks;
    std::vector<FunctionChange> changes;  // one per function and hunk with added or removed lines
};

// Throws DiffSyntaxError. At least one file header and one hunk are needed.
[[nodiscard]] UnifiedDiff parse_unified_diff(std::string_view text);

// The function a C definition line starts ("static void tcp_keepalive_timer (struct timer_list *t)" ->
// "tcp_keepalive_timer"), or "" when the line is not one.
[[nodiscard]] std::string function_defined_by(std::string_view line);

}  // namespace orphancheck::analysis
