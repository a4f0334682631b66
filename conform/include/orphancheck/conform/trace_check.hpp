// Trace validation: is what the kernel did to one socket, as a sequence of
// sampled observations, a path of the per-socket model?
//
// Samples are taken every few milliseconds, so a socket can pass through a
// configuration between two samples. The model may explain a step with such
// unsampled configurations, but only where it leaves them at once (a segment,
// the rest of close(), a peer action): a configuration left by a timer (RTO,
// keepalive, timewait; 200 ms at the least) lives long enough to be sampled.
// close() sets the new state (FIN_WAIT1, LAST_ACK) before sock_orphan(), and
// a sample can fall between the two: the model's close step passes through
// that state with an owner.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "orphancheck/checker/socket_space.hpp"
#include "orphancheck/conform/observation.hpp"

namespace orphancheck::conform {

struct WitnessStep {
    std::string label;  // the model event ("rto_expire", "deliver_ack", ...)
    model::RowId row1 = model::RowId::none, row2 = model::RowId::none;
    Observation after;
};

struct TraceCheck {
    bool agree = false;
    std::size_t explained = 0;              // observations the model explains (all of them when agree)
    std::vector<Observation> allowed_next;  // when !agree: what the model allows after the last explained one
    std::vector<WitnessStep> witness;       // when agree: one model path that produces the trace
};

// One socket's configurations under a case, with every guard input `sockets` sockets can produce.
class ObservedModel {
public:
    // `never`: network events the experiment rules out (its nft rules drop those segments for good);
    // `ruled_out`: rows the run's counters show did not run.
    ObservedModel(const checker::CaseConfig& c, int sockets, std::span<const checker::EnvEvent> never = {},
                  std::span<const model::RowId> ruled_out = {}, const model::TablePatch& patch = {});
    // `trace` may repeat an observation; repeats are one observation. `without`: check as if the row
    // were not in the model.
    [[nodiscard]] TraceCheck check(std::span<const Observation> trace,
                                   std::optional<model::RowId> without = std::nullopt) const;
    // Rows of the witness without which no path of the model produces the trace: the rows the trace confirms.
    [[nodiscard]] std::vector<model::RowId> necessary_rows(std::span<const Observation> trace) const;
    [[nodiscard]] std::size_t size() const { return obs_.size(); }

private:
    struct Edge {
        checker::Combo to;
        checker::Label label;
        model::RowId row1, row2;
        bool timed;  // fired by a timer: the configuration it leaves lived long enough to be sampled
        bool orphaning = false;  // the second half of a close step: sock_orphan()
    };
    std::vector<std::vector<Edge>> out_;
    std::vector<Observation> obs_;
};

}  // namespace orphancheck::conform
