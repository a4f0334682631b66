#include "orphancheck/distributed/mpi_cluster.hpp"

#include <mpi.h>
#include <unistd.h>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <stdexcept>

namespace orphancheck::distributed {
namespace {

namespace mpi = boost::mpi;

// MPI counts are ints: a message over 2 GiB is refused rather than truncated.
int count_of(std::size_t n) {
    if (n > std::size_t(std::numeric_limits<int>::max()))
        throw std::runtime_error("an MPI message over 2 GiB (use more ranks)");
    return int(n);
}

// Called by MPI when a collective fails (a peer died or its connection broke): every survivor stops here.
void on_mpi_error(MPI_Comm*, int* code, ...) {
    char text[MPI_MAX_ERROR_STRING] = {};
    int len = 0;
    MPI_Error_string(*code, text, &len);
    char line[512];
    const int n = std::snprintf(line, sizeof line, "orphancheck: rank stopped: another rank failed (%s)\n", text);
    if (n > 0) (void)!::write(2, line, std::size_t(n) < sizeof line ? std::size_t(n) : sizeof line - 1);
    std::_Exit(3);
}

// Set around every collective call (MpiCluster::waiting).
volatile std::sig_atomic_t g_waiting = 0;
struct Waiting {
    Waiting() { g_waiting = 1; }
    ~Waiting() { g_waiting = 0; }
    Waiting(const Waiting&) = delete;
    Waiting& operator=(const Waiting&) = delete;
};

class MpiCluster final : public checker::Cluster {
public:
    MpiCluster() {
        MPI_Errhandler handler;
        MPI_Comm_create_errhandler(on_mpi_error, &handler);
        MPI_Comm_set_errhandler(MPI_COMM_WORLD, handler);
    }
    [[nodiscard]] int rank() const override { return world_.rank(); }
    [[nodiscard]] int size() const override { return world_.size(); }
    [[nodiscard]] bool waiting() const noexcept override { return g_waiting != 0; }

    std::vector<std::vector<std::byte>> exchange(const std::vector<std::vector<std::byte>>& out) override {
        const Waiting wait;
        const auto p = std::size_t(size());
        std::vector<int> send_counts(p), recv_counts(p), send_displs(p), recv_displs(p);
        std::vector<std::byte> send;
        std::size_t total = 0;
        for (std::size_t r = 0; r < p; ++r) total += out[r].size();
        send.reserve(total);
        for (std::size_t r = 0; r < p; ++r) {
            send_displs[r] = count_of(send.size());
            send_counts[r] = count_of(out[r].size());
            send.insert(send.end(), out[r].begin(), out[r].end());
        }
        MPI_Alltoall(send_counts.data(), 1, MPI_INT, recv_counts.data(), 1, MPI_INT, world_);
        std::size_t in = 0;
        for (std::size_t r = 0; r < p; ++r) {
            recv_displs[r] = count_of(in);
            in += std::size_t(recv_counts[r]);
        }
        std::vector<std::byte> recv(in);
        MPI_Alltoallv(send.data(), send_counts.data(), send_displs.data(), MPI_BYTE, recv.data(), recv_counts.data(),
                      recv_displs.data(), MPI_BYTE, world_);
        std::vector<std::vector<std::byte>> got(p);
        for (std::size_t r = 0; r < p; ++r)
            got[r].assign(recv.begin() + recv_displs[r], recv.begin() + recv_displs[r] + recv_counts[r]);
        return got;
    }
    void broadcast(std::vector<std::byte>& data, int root) override {
        const Waiting wait;
        std::uint64_t n = data.size();
        MPI_Bcast(&n, 1, MPI_UINT64_T, root, world_);
        data.resize(n);
        MPI_Bcast(data.data(), count_of(n), MPI_BYTE, root, world_);
    }
    std::uint64_t sum(std::uint64_t x) override {
        const Waiting wait;
        return mpi::all_reduce(world_, x, std::plus<std::uint64_t>());
    }
    std::uint64_t max(std::uint64_t x) override {
        const Waiting wait;
        return mpi::all_reduce(world_, x, mpi::maximum<std::uint64_t>());
    }
    std::uint64_t min(std::uint64_t x) override {
        const Waiting wait;
        return mpi::all_reduce(world_, x, mpi::minimum<std::uint64_t>());
    }
    double max(double x) override {
        const Waiting wait;
        return mpi::all_reduce(world_, x, mpi::maximum<double>());
    }
    double sum(double x) override {
        const Waiting wait;
        return mpi::all_reduce(world_, x, std::plus<double>());
    }
    void bitwise_or(std::vector<std::uint8_t>& v) override {
        const Waiting wait;
        MPI_Allreduce(MPI_IN_PLACE, v.data(), count_of(v.size()), MPI_UINT8_T, MPI_BOR, world_);
    }
    [[noreturn]] void abort(int code) override {
        MPI_Abort(world_, code);
        std::_Exit(code);
    }

private:
    mpi::communicator world_;
};

}  // namespace

bool launched_by_mpirun() {
    for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"})
        if (std::getenv(var)) return true;
    return false;
}

checker::Cluster& world() {
    static mpi::environment env(mpi::threading::single, false);
    static MpiCluster cluster;
    return cluster;
}

}  // namespace orphancheck::distributed
