// The processes of an `mpirun -np P orphancheck check ...` launch. Without mpirun (or with one rank) there is no
// cluster and the command runs as one process, as always.
#pragma once

#include "orphancheck/checker/cluster.hpp"

namespace orphancheck::cli {

// Joins the ranks mpirun started, if it started this process; a build without MPI launched by mpirun with more
// than one rank is refused (UsageError). Called once, before the options are read.
void join_ranks();
// The ranks of this run, or nullptr: one process.
[[nodiscard]] checker::Cluster* run_cluster();
// Ranks other than 0 print nothing: rank 0 speaks for the run (errors included, which every rank meets alike).
[[nodiscard]] bool silent_rank();

}  // namespace orphancheck::cli
