// Exhaustive breadth-first exploration of N sockets closing, with the
// properties checked on the fly and a strongly-connected-component pass for
// liveness under weak fairness.
#pragma once

#include <stdexcept>

#include "orphancheck/checker/graph_sink.hpp"
#include "orphancheck/checker/result.hpp"
#include "orphancheck/checker/spec.hpp"

namespace orphancheck::checker {

// Thrown for a specification that cannot be explored (bad input).
struct SpecError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Thrown when one socket's configurations outgrow the explorer's 16-bit numbering: the run stops, incomplete.
struct CapacityError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// With a sink, a complete exploration also hands out every state and edge.
ExploreResult explore(const ExploreSpec& spec, GraphSink* sink = nullptr);

// Whether the partial-order reduction decides every property in `wanted`: not eventually-destroyed,
// and counter-never-negative only together with orphan-balance.
[[nodiscard]] bool por_decides(properties::PropertyMask wanted);

// Why eventually-destroyed cannot be decided socket by socket in `spec` ("" when it can): the sockets see each
// other through tcp_max_orphans or tcp_max_tw_buckets within their reach, or through a listener.
[[nodiscard]] std::string compositional_premise(const ExploreSpec& spec);

// Bytes one global state takes packed (sockets + case + counter + cache).
[[nodiscard]] int packed_bytes(int sockets);

}  // namespace orphancheck::checker
