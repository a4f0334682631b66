// `orphancheck completion bash`: a bash completion script generated from the command line itself (every
// subcommand and its visible options), with the values each option takes: the check options' choices
// (check_options.hpp), kernel profiles, properties, conform scenarios, row names (`rows ROW`), and file names for the
// options that name files.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace orphancheck::cli {

[[nodiscard]] std::string bash_completion(const CLI::App& app);

}  // namespace orphancheck::cli
