// `orphancheck export --promela`: the explored transition system as a model for another checker.
#pragma once

#include <string>

#include "orphancheck/checker/spec.hpp"

namespace orphancheck::cli {

struct ExportArgs {
    bool promela = false;      // the only format so far; required, so that more can come
    std::string output = "-";  // FILE, or - for stdout
    bool properties_given = false;  // --property given: each must be one Promela can assert
};

// Writes the model; exit code 0. Bad input (no format, unwritable output) throws UsageError.
int run_export(const ExportArgs& args, const checker::ExploreSpec& spec);

}  // namespace orphancheck::cli
