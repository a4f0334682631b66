// The Cluster of the processes `mpirun` started, on Boost.MPI (Open MPI). Built only when the MPI packages are
// installed (ORPHANCHECK_HAVE_MPI); without them, or without mpirun, the command runs as one process.
#pragma once

#include <memory>

#include "orphancheck/checker/cluster.hpp"

namespace orphancheck::distributed {

// Whether this process was started by mpirun (its environment names a rank). No MPI call is made.
[[nodiscard]] bool launched_by_mpirun();
// Initializes MPI once for the process (kept until exit) and returns its world communicator as a Cluster.
// A communication failure (a rank that died) ends every rank with exit status 3 and one line on stderr.
[[nodiscard]] checker::Cluster& world();

}  // namespace orphancheck::distributed
