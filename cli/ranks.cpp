#include "ranks.hpp"

#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "check_options.hpp"
#ifdef ORPHANCHECK_HAVE_MPI
#include "orphancheck/distributed/mpi_cluster.hpp"
#endif

namespace orphancheck::cli {
namespace {
checker::Cluster* g_cluster = nullptr;
}  // namespace

void join_ranks() {
#ifdef ORPHANCHECK_HAVE_MPI
    if (distributed::launched_by_mpirun()) {
        checker::Cluster& world = distributed::world();
        if (world.size() > 1) g_cluster = &world;
    }
#else
    const char* size = std::getenv("OMPI_COMM_WORLD_SIZE");
    if (size && std::string(size) != "1")
        throw UsageError("this orphancheck was built without MPI (install libboost-mpi1.81-dev and openmpi-bin and "
                         "rebuild): it cannot run across mpirun's ranks");
#endif
}

checker::Cluster* run_cluster() { return g_cluster; }

bool silent_rank() { return g_cluster && g_cluster->rank() != 0; }

}  // namespace orphancheck::cli
