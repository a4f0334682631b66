// Trace validation: is what the kernel did to one socket, as a sequence of
// timed samples, a path of the per-socket model?
//
// A socket may pass through configurations between two samples: the model may
// explain a step with unsampled configurations. Time bounds every move: a
// move cannot leave a configuration sooner than its least delay (timers: the
// timed reading of analysis/timed.hpp; the retransmit and linger timers count
// from close()), and the samples bound how long the
// socket can have been in one (from the last sample before it to the first
// after it). close() sets the new state (FIN_WAIT1, LAST_ACK) before
// sock_orphan(), and a sample can fall between the two: the model's close
// step passes through that state with an owner. shutdown(SHUT_WR), like
// close(), happens when the run called it; the retransmit timer then counts
// from shutdown() (our FIN went out there), the linger timer from close(),
// and a timer armed before a close() that kept the state (the zero-window
// probe) from before it. A configuration with a segment or a step of close()
// due is left within Clock::instant, so an observation seen for longer needs
// a configuration with none due. Besides the observations, a sample in which
// the kernel's retransmission count fell back to 0 while the observation
// stayed (the ACK of the data ahead of our lost FIN) needs a move of the
// model that sets its retry count back to 0 between the two samples (and a
// request socket's SYN-ACK retransmission count rising, one that raises it).
//
// A listener's run (roles): each socket's trace starts from its role's first
// configuration, and the graph holds every move under every listener phase.
// A move that only a listener out of LISTEN allows (inet_csk_listen_stop
// forgetting a queued child, a request's timer finding no listener) comes no
// sooner than the listener's close(), given as the socket's close() time; a
// queued child rests in the accept queue until then.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "orphancheck/analysis/socket_graph.hpp"
#include "orphancheck/analysis/timed.hpp"
#include "orphancheck/conform/observation.hpp"

namespace orphancheck::conform {

struct WitnessStep {
    std::string label;  // the model event ("retransmit timer fires", "peer ACK arrives", ...)
    model::RowId row1 = model::RowId::none, row2 = model::RowId::none;
    Observation after;
};

struct TraceCheck {
    bool agree = false;
    std::size_t explained = 0;              // observations the model explains (all of them when agree)
    std::vector<Observation> allowed_next;  // when !agree: what the model allows after the last explained one
    std::vector<WitnessStep> witness;       // when agree: one model path that produces the trace
};

struct TimedObservation {
    Observation obs;
    double t = 0;  // seconds
    // Since the sample before, in the same observation, the kernel's retransmission count went back to 0
    // (idiag_retrans from above 0, the retransmit timer armed in both): SND.UNA advanced, our FIN still
    // unacked. The model must pass a move that sets its retry count from above 0 to 0 there.
    bool retries_reset = false;
    // Since the sample before, in the same observation (SYN_RECV: a request), a request socket's SYN-ACK retransmission
    // count (idiag_retrans: num_retrans) rose: the model must pass a move that raises its retry count there.
    bool retries_rise = false;
};

// When the application called close() and shutdown(SHUT_WR) on the socket (negative: never).
struct AppCalls {
    double close_at = -1;
    double shutdown_at = -1;
};

class ObservedModel {
public:
    // `role`: the socket's role in the run, whose first configuration (g.initial) the trace starts from.
    ObservedModel(const analysis::SocketGraph& g, const model::SysctlConfig& sysctl, model::CloseOpts opts,
                  analysis::OptionSeconds seconds, const analysis::Clock& clock,
                  model::SlotRole role = model::SlotRole::socket);
    // `trace` may repeat an observation; repeats are one observation. `calls`: when the application called
    // close() and shutdown(); for a listener's unaccepted connection, close() of the listener (a move that
    // only a listener out of LISTEN allows comes no sooner). `without`: as if these rows were not in the model.
    [[nodiscard]] TraceCheck check(std::span<const TimedObservation> trace, AppCalls calls,
                                   std::span<const model::RowId> without = {}) const;
    [[nodiscard]] TraceCheck check(std::span<const TimedObservation> trace, double closed_at,
                                   std::span<const model::RowId> without = {}) const {
        return check(trace, AppCalls{closed_at, -1}, without);
    }
    // Rows of the witness without which no path of the model produces the trace: the rows the trace confirms.
    // An OOM kill at an RTO expiry is one kernel path that the model files under two rows (rto_X_oom, and
    // timeout_X_oom when the timer is read as "budget spent"): such a row counts when the trace needs one of the two.
    [[nodiscard]] std::vector<model::RowId> necessary_rows(std::span<const TimedObservation> trace, AppCalls calls) const;
    [[nodiscard]] std::vector<model::RowId> necessary_rows(std::span<const TimedObservation> trace, double closed_at) const {
        return necessary_rows(trace, AppCalls{closed_at, -1});
    }

private:
    // What a move's least delay counts from: entering the configuration, close() (the linger timer), or the
    // first FIN, sent by shutdown() or else by close() (the retransmit timer).
    enum class Since : std::uint8_t { entry, close, fin };
    struct Edge {
        std::uint32_t to;
        checker::Label label;
        model::RowId row1, row2;
        double least;            // seconds the configuration lives at the least before this move
        bool close = false;      // the application's close(): at the time the run recorded
        bool orphaning = false;  // the second half of a close step: sock_orphan()
        Since since = Since::entry;
        bool shutdown = false;   // the application's shutdown(): at the time the run recorded
        bool after_listener_close = false;  // only under a listener out of LISTEN: not before close() (calls)
    };
    template <class Usable>
    std::vector<Observation> onward(const std::vector<int>& from, Usable usable) const;
    std::size_t start_ = 0;  // the trace's first configuration
    std::vector<std::vector<Edge>> out_;
    std::vector<Observation> obs_;
    std::vector<bool> calm_;    // no segment or step of close() due: the socket can rest here
    std::vector<bool> calm_listening_;  // the same while the run's listener listens (its close() not yet called)
    std::vector<bool> closed_;  // close() has run (the socket is dead, or destroyed)
    std::vector<bool> carried_;  // entered by a close() that kept the state (after shutdown): its timers ran before
    std::vector<std::uint8_t> retries_;  // the configuration's retry count (FIN retransmissions or probes)
};

}  // namespace orphancheck::conform
