// The processes one search runs across (`mpirun -np P orphancheck check ...`): each process (rank) owns the
// states whose hash names it and exchanges successors with the others. The checker sees only this interface;
// distributed/ implements it on Boost.MPI when the build has Open MPI. Every call is collective: all ranks make
// the same calls in the same order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace orphancheck::checker {

class Cluster {
public:
    Cluster() = default;
    Cluster(const Cluster&) = delete;
    Cluster& operator=(const Cluster&) = delete;
    virtual ~Cluster() = default;

    [[nodiscard]] virtual int rank() const = 0;
    [[nodiscard]] virtual int size() const = 0;
    // out[r] goes to rank r; returns what each rank sent to this one, in rank order.
    virtual std::vector<std::vector<std::byte>> exchange(const std::vector<std::vector<std::byte>>& out) = 0;
    // `data` of rank `root` replaces `data` on every rank.
    virtual void broadcast(std::vector<std::byte>& data, int root) = 0;
    virtual std::uint64_t sum(std::uint64_t x) = 0;
    virtual std::uint64_t max(std::uint64_t x) = 0;
    virtual std::uint64_t min(std::uint64_t x) = 0;
    virtual double max(double x) = 0;
    virtual double sum(double x) = 0;
    // Element-wise OR of equally long vectors, in place on every rank.
    virtual void bitwise_or(std::vector<std::uint8_t>& v) = 0;
    // Whether this rank is inside a collective call, waiting for the others (async-signal-safe: a signal handler
    // asks, to end a rank at once that would otherwise wait for a rank that died).
    [[nodiscard]] virtual bool waiting() const noexcept = 0;
    // Ends every rank with exit status `code` (an error on one rank that the others cannot meet).
    [[noreturn]] virtual void abort(int code) = 0;
};

}  // namespace orphancheck::checker
