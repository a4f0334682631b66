// The live-kernel trace check and the timed reading, on synthetic traces
// (no kernel needed): what the model allows, what it refuses, which rows a
// trace confirms, and lifetime bounds.
#include <doctest/doctest.h>

#include "orphancheck/analysis/lifetime.hpp"
#include "orphancheck/conform/conform.hpp"
#include "orphancheck/conform/row_evidence.hpp"
#include "orphancheck/conform/scenario.hpp"
#include "orphancheck/conform/trace_check.hpp"

namespace {
using namespace orphancheck;
using conform::Observation;
using conform::TimedObservation;
using K = Observation::Kind;

const Observation kEstablished{K::socket, conform::kEstablished, false};
const Observation kFinWait1Orphan{K::socket, conform::kFinWait1, true};
const Observation kFinWait2Bucket{K::bucket, conform::kFinWait2, false};
const Observation kGone{};

// `mib`: the counters the run moved (the others rule their rows out). `role`: the checked socket's role.
conform::ObservedModel model_of(const conform::Scenario& s, const std::map<std::string, long long>& mib,
                                model::SlotRole role = model::SlotRole::socket) {
    const checker::CaseConfig c = s.model_case("linux-6.18");
    const auto never = s.network_never();
    const auto ruled_out = conform::rows_ruled_out(mib);
    const std::vector<model::SlotRole> roles = s.roles();
    return conform::ObservedModel(analysis::socket_graph(c, s.sockets(), never, ruled_out, {}, roles), c.sysctl,
                                  model::close_opts_of(c.close_events.front()), s.option_seconds(), analysis::Clock{},
                                  role);
}

// The rows' names, for a failure message.
std::string names(const std::vector<model::RowId>& rows) {
    std::string out;
    for (model::RowId r : rows) out += std::string(model::row_name(r)) + " ";
    return out;
}

// What the model allowed where a trace stopped agreeing, for a failure message.
std::string allowed_names(const conform::TraceCheck& c) {
    std::string out = "explained " + std::to_string(c.explained) + ", allowed next:";
    for (const Observation& o : c.allowed_next) out += " " + o.name();
    return out;
}

bool has(const std::vector<model::RowId>& rows, model::RowId r) {
    return std::find(rows.begin(), rows.end(), r) != rows.end();
}
}  // namespace

TEST_CASE("trace check: FIN_WAIT1 orphans that time out agree and confirm the retransmit and timeout rows") {
    const conform::Scenario& s = *conform::find_scenario("fin-wait1");
    const auto m = model_of(s, {{"TCPAbortOnTimeout", 10}, {"TCPTimeouts", 40}});
    const std::vector<TimedObservation> trace{{kEstablished, 0}, {kFinWait1Orphan, 0.02}, {kFinWait1Orphan, 3.0},
                                              {kGone, 3.34}};
    const conform::TraceCheck c = m.check(trace, 0.01);
    CHECK(c.agree);
    CHECK_FALSE(c.witness.empty());
    const auto rows = m.necessary_rows(trace, 0.01);
    CHECK(has(rows, model::RowId::close_fin));
    CHECK(has(rows, model::RowId::rto_fin_wait1));
    CHECK(has(rows, model::RowId::timeout_fin_wait1));
}

TEST_CASE("trace check: counters that did not move rule their rows out") {
    const conform::Scenario& s = *conform::find_scenario("fin-wait1");
    const std::vector<TimedObservation> trace{{kEstablished, 0}, {kFinWait1Orphan, 0.02}, {kFinWait1Orphan, 3.0},
                                              {kGone, 3.34}};
    CHECK(model_of(s, {{"TCPAbortOnTimeout", 10}, {"TCPTimeouts", 40}}).check(trace, 0.01).agree);
    CHECK_FALSE(model_of(s, {{"TCPTimeouts", 40}}).check(trace, 0.01).agree);  // no timeout ran: nothing ends it
}

TEST_CASE("trace check: a step the model does not allow is reported with what it allows instead") {
    const conform::Scenario& s = *conform::find_scenario("fin-wait1");
    const auto m = model_of(s, {{"TCPAbortOnTimeout", 10}, {"TCPTimeouts", 40}});
    const std::vector<TimedObservation> trace{{kEstablished, 0}, {kFinWait1Orphan, 0.02}, {kEstablished, 0.5}};
    const conform::TraceCheck c = m.check(trace, 0.01);
    CHECK_FALSE(c.agree);
    CHECK(c.explained == 2);
    // The only way out of a FIN_WAIT1 orphan whose peer never sees the FIN: gone (timeout).
    std::string allowed;
    for (const Observation& o : c.allowed_next) allowed += o.name() + ";";
    CHECK(allowed == "gone;");
}

TEST_CASE("trace check: time bounds the moves (no timer fires 50 ms after close, nothing rests inside close())") {
    const conform::Scenario& s = *conform::find_scenario("fin-wait1");
    const auto m = model_of(s, {{"TCPAbortOnTimeout", 10}, {"TCPTimeouts", 40}});
    // The peer never sees the FIN: only the orphan timeout can end it, and not within 50 ms.
    CHECK_FALSE(m.check(std::vector<TimedObservation>{{kEstablished, 0}, {kFinWait1Orphan, 0.02}, {kGone, 0.07}}, 0.01).agree);
    // Without the counters' evidence an OOM kill at the end of close() explains a quick end...
    const conform::Scenario& limit = *conform::find_scenario("max-orphans");
    const auto lm = model_of(limit, {{"TCPAbortOnMemory", 6}, {"TCPTimeouts", 29}, {"TCPAbortOnTimeout", 4}});
    CHECK(lm.check(std::vector<TimedObservation>{{kEstablished, 0}, {kFinWait1Orphan, 0.02}, {kGone, 0.04}}, 0.01).agree);
    // ...but an orphan seen for 0.4 s had left close(): only an RTO expiry under the limit kills it that soon
    // (tcp_orphan_retries=2: no timeout before the third FIN retransmission, 0.8 s after close()).
    const std::vector<TimedObservation> rested{
        {kEstablished, 0}, {kFinWait1Orphan, 0.02}, {kFinWait1Orphan, 0.45}, {kGone, 0.6}};
    CHECK(lm.check(rested, 0.01).agree);
    const auto rows = lm.necessary_rows(rested, 0.01);
    CHECK((has(rows, model::RowId::rto_fin_wait1_oom) || has(rows, model::RowId::timeout_fin_wait1_oom)));
    CHECK_FALSE(has(rows, model::RowId::tail_fin_wait1_oom));
}

TEST_CASE("trace check: FIN_WAIT2 with tcp_fin_timeout <= 60 is a timewait bucket, never an orphan for long") {
    const conform::Scenario& s = *conform::find_scenario("fin-wait2-short");
    const auto m = model_of(s, {{"TWKilled", 10}});
    CHECK(m.check(std::vector<TimedObservation>{
                      {kEstablished, 0}, {kFinWait1Orphan, 0.02}, {kFinWait2Bucket, 0.03}, {kFinWait2Bucket, 3.0}, {kGone, 3.1}}, 0.01)
              .agree);
    const Observation fw2_orphan{K::socket, conform::kFinWait2, true};
    // A full FIN_WAIT2 orphan here is the "bad case" (the ACK met an owned socket): its keepalive timer runs
    // the whole fin_time (3 s) and then resets it. It cannot end sooner.
    CHECK(m.check(std::vector<TimedObservation>{{kEstablished, 0}, {fw2_orphan, 0.03}, {fw2_orphan, 2.0}, {kGone, 3.1}}, 0.01)
              .agree);
    CHECK_FALSE(m.check(std::vector<TimedObservation>{{kEstablished, 0}, {fw2_orphan, 0.03}, {fw2_orphan, 0.5}, {kGone, 1.0}}, 0.01)
                    .agree);
}

TEST_CASE("trace check: shutdown() before close(): no orphan until close(), the retransmit timer runs from shutdown()") {
    const conform::Scenario& s = *conform::find_scenario("shutdown-fin-wait1");  // tcp_orphan_retries=1
    const checker::CaseConfig c = s.model_case("linux-6.18");
    CHECK(c.shutdown_first);
    CHECK_FALSE(c.close_first);  // every socket shuts down before its close()
    CHECK_FALSE(conform::find_scenario("fin-wait1")->model_case("linux-6.18").shutdown_first);
    CHECK_FALSE(s.timed());
    const auto m = model_of(s, {{"TCPAbortOnTimeout", 3}, {"TCPTimeouts", 6}});
    const Observation fw1{K::socket, conform::kFinWait1, false};
    const conform::AppCalls calls{0.32, 0.02};
    // FIN_WAIT1 with its owner from shutdown() on, an orphan from close() on, killed 0.58 s after shutdown():
    // past the second RTO expiry counted from shutdown() (0.2 + 0.4 s at the earliest), not from close().
    const std::vector<TimedObservation> trace{{kEstablished, 0},      {fw1, 0.03},           {fw1, 0.31},
                                              {kFinWait1Orphan, 0.33}, {kFinWait1Orphan, 0.6}, {kGone, 0.62}};
    const conform::TraceCheck ok = m.check(trace, calls);
    CHECK(ok.agree);
    const auto rows = m.necessary_rows(trace, calls);
    CHECK(has(rows, model::RowId::shutdown_fin));
    CHECK(has(rows, model::RowId::close_shut_fin_wait1));
    CHECK_FALSE(has(rows, model::RowId::close_fin));
    // The same socket shut down at 0.30 s could not die before 0.7 s.
    const std::vector<TimedObservation> late{{kEstablished, 0},      {fw1, 0.31},           {fw1, 0.315},
                                             {kFinWait1Orphan, 0.33}, {kFinWait1Orphan, 0.6}, {kGone, 0.62}};
    CHECK_FALSE(m.check(late, conform::AppCalls{0.32, 0.30}).agree);
    std::vector<TimedObservation> later = late;
    later[4].t = 0.9;
    later[5].t = 0.92;
    CHECK(m.check(later, conform::AppCalls{0.32, 0.30}).agree);
    // shutdown() leaves the socket with its owner: an orphan before close() is no path of the model, nor is a
    // FIN_WAIT1 with an owner when the run never called shutdown().
    CHECK_FALSE(m.check(std::vector<TimedObservation>{{kEstablished, 0}, {kFinWait1Orphan, 0.03}}, calls).agree);
    CHECK_FALSE(m.check(trace, conform::AppCalls{0.32, -1}).agree);
}

TEST_CASE("trace check: close() after shutdown() behind a zero window leaves the probe timer running") {
    const conform::Scenario& s = *conform::find_scenario("shutdown-zero-window");  // tcp_orphan_retries=1
    const auto m = model_of(s, {{"TCPAbortOnTimeout", 3}, {"TCPWinProbe", 3}});
    const Observation fw1{K::socket, conform::kFinWait1, false};
    // Measured: the probe went out at 0.28 s, before close() (0.34 s); the timer armed then (0.4 s, backed off)
    // ended the orphan at 0.72 s, less than 0.4 s after close().
    const auto trace = [&](double gone) {
        return std::vector<TimedObservation>{{kEstablished, 0},       {kEstablished, 0.06},         {fw1, 0.076}, {fw1, 0.33},
                                             {kFinWait1Orphan, 0.346}, {kFinWait1Orphan, gone - 0.01}, {kGone, gone}};
    };
    const conform::AppCalls calls{0.34, 0.07};
    CHECK(m.check(trace(0.725), calls).agree);
    // The check does not know when the probe went out: it counts the backed-off timer (0.4 s) from the last
    // sample before the socket's FIN_WAIT1 (0.06 s), no sooner.
    CHECK_FALSE(m.check(trace(0.45), calls).agree);
}

TEST_CASE("trace check: the retransmission count back to 0 in FIN_WAIT1 needs the ACK of the data ahead of our FIN") {
    const conform::Scenario& s = *conform::find_scenario("unacked-data-fin-wait1");  // tcp_orphan_retries=2
    CHECK(model::close_opts_of(s.model_case("linux-6.18").close_events.front()).unacked);
    const auto m = model_of(s, {{"TCPAbortOnTimeout", 3}, {"TCPTimeouts", 15}, {"TCPLossProbes", 3}});
    // As measured: retransmits 1 from the first RTO (0.2 s), 0 again once the second RTO's copy of the data is
    // acked (0.6 s); then the FIN alone, lost, until the budget ends the orphan.
    const auto trace = [&](double reset_at) {
        return std::vector<TimedObservation>{{kEstablished, 0},
                                             {kFinWait1Orphan, 0.02},
                                             {kFinWait1Orphan, reset_at - 0.002},
                                             {kFinWait1Orphan, reset_at, true},
                                             {kFinWait1Orphan, 2.0},
                                             {kGone, 2.05}};
    };
    const conform::TraceCheck c = m.check(trace(0.62), 0.01);
    CHECK(c.agree);
    const auto rows = m.necessary_rows(trace(0.62), 0.01);
    CHECK(has(rows, model::RowId::close_fin));
    CHECK(has(rows, model::RowId::data_ack_fin_wait1));
    CHECK(has(rows, model::RowId::timeout_fin_wait1));
    // Without the reset the same states need no ACK of the data.
    std::vector<TimedObservation> plain = trace(0.62);
    plain[3].retries_reset = false;
    CHECK(m.check(plain, 0.01).agree);
    CHECK_FALSE(has(m.necessary_rows(plain, 0.01), model::RowId::data_ack_fin_wait1));
    // With nothing sent ahead of the FIN (fin-wait1's model) no move resets the count in FIN_WAIT1.
    CHECK_FALSE(model_of(*conform::find_scenario("fin-wait1"), {{"TCPAbortOnTimeout", 3}, {"TCPTimeouts", 15}})
                    .check(trace(0.62), 0.01)
                    .agree);
}

TEST_CASE("lifetime: a FIN_WAIT1 orphan of a silent peer dies at the first RTO expiry past tcp_model_timeout(R)") {
    const conform::Scenario& s = *conform::find_scenario("fin-wait1");
    const auto never = s.network_never();
    analysis::Clock hz250;
    hz250.hz = {250};  // the RTO is 51 jiffies: 204 ms
    analysis::LifetimeQuery q{s.model_case("linux-6.18"), 1, analysis::CloseFrom::established, {}, hz250, never, {}};
    const analysis::Lifetime l = analysis::lifetime(q);
    CHECK(l.always_gone);
    // tcp_orphan_retries=2: tcp_model_timeout(2) = 1.4 s. The 3rd RTO expiry comes at most 0.408 + 0.816 s plus
    // the timer wheel's rounding (1.29 s) after the first RTO retransmission: no kill; the 4th (2.86 s) kills.
    // Killed 0.204 + 14 * 0.204 s after close() at the earliest; the measured 3.34 s lies inside.
    CHECK(l.gone.lo == doctest::Approx(0.204 * 15));
    REQUIRE(l.gone.hi);
    CHECK(*l.gone.hi > 3.34);
    CHECK(*l.gone.hi < 3.8);  // (segments within 50 ms each)
    CHECK(l.orphan.lo == doctest::Approx(l.gone.lo));
}

TEST_CASE("lifetime: FIN_WAIT2 above 60 s is an orphan for fin_time-60, then a bucket for as long again") {
    const conform::Scenario& s = *conform::find_scenario("fin-wait2-long");  // tcp_fin_timeout=62
    analysis::LifetimeQuery q{s.model_case("linux-6.18"), 1, analysis::CloseFrom::established, {}, {}, {}, {}};
    const analysis::Lifetime l = analysis::lifetime(q);
    CHECK(l.orphan.lo == doctest::Approx(2.0));
    CHECK(l.gone.lo == doctest::Approx(4.0));
    REQUIRE(l.gone.hi);
    CHECK(*l.gone.hi < 5.0);
}

TEST_CASE("lifetime: a peer that may never answer makes the most time unbounded, with the reason") {
    checker::CaseConfig c = conform::find_scenario("fin-wait2-short")->model_case("linux-6.18");
    c.peer.fin = true;  // the peer may close at any time: the FIN_WAIT2 bucket's timer still bounds it
    c.sysctl.fin_timeout_seconds = 120;  // an orphan with keepalive: bounded as well
    analysis::LifetimeQuery q{c, 1, analysis::CloseFrom::established, {}, {}, {}, {}};
    CHECK(analysis::lifetime(q).gone.hi);
    c.peer.loss = true;  // a lost ACK: FIN_WAIT1 retransmits, the peer's answers may be lost forever
    c.peer.fin = false;
    q.config = c;
    const analysis::Lifetime l = analysis::lifetime(q);
    CHECK(l.gone.hi);  // the retry budget still ends it
}

TEST_CASE("conform counter: the kernel's counter following our orphans is fine, one that counts more is the host's, fewer is a disagreement") {
    const auto record = [](std::vector<std::pair<int, int>> counter_listed) {  // one sample each 50 ms
        conform::RunRecord r;
        for (std::size_t i = 0; i < counter_listed.size(); ++i) {
            conform::Sample s;
            s.t = 0.05 * double(i);
            s.counter = counter_listed[i].first;
            s.listed = counter_listed[i].second;
            r.samples.push_back(s);
        }
        return r;
    };
    bool outside = true;
    CHECK(conform::counter_problem(record({{0, 0}, {1, 2}, {2, 2}, {0, 0}}), outside).empty());  // a 50 ms lag
    const std::string more = conform::counter_problem(record({{0, 0}, {3, 2}, {3, 2}, {3, 2}, {1, 0}}), outside);
    INFO(more);
    CHECK(outside);
    CHECK(more.find("moved outside this run") != std::string::npos);
    const std::string fewer = conform::counter_problem(record({{0, 0}, {1, 2}, {1, 2}, {1, 2}, {0, 0}}), outside);
    INFO(fewer);
    CHECK_FALSE(outside);
    CHECK(fewer.find("had moved by 1 while 2 orphans were listed") != std::string::npos);
}

TEST_CASE("trace check: a listener's socket is checked against the listener's model from its role's first configuration") {
    const conform::Scenario& s = *conform::find_scenario("listen-close-queued");
    const Observation listen{K::socket, conform::kListen, false};
    const Observation child{K::socket, conform::kEstablished, false};  // queued: no file, not SOCK_DEAD
    const double closed_at = 0.12;                                      // the listener's close()
    // The listener: LISTEN until its close(), then unhashed (CLOSE) and freed once its queue is empty.
    const auto lm = model_of(s, {}, model::SlotRole::listener);
    const std::vector<TimedObservation> lt{{listen, 0.005}, {listen, 0.119}, {kGone, 0.121}, {kGone, 0.4}};
    const conform::TraceCheck l = lm.check(lt, closed_at);
    INFO(allowed_names(l));
    CHECK(l.agree);
    const auto lrows = lm.necessary_rows(lt, closed_at);
    INFO(names(lrows));
    CHECK(has(lrows, model::RowId::close_listen));
    // A dump racing with the listener's close() may still list it, as CLOSE (seen on 6.18), before it is gone.
    const Observation closing{K::socket, conform::kClose, false};
    const std::vector<TimedObservation> lt2{{listen, 0.005}, {listen, 0.119}, {closing, 0.121}, {kGone, 0.4}};
    CHECK(lm.check(lt2, closed_at).agree);
    // ... and, past inet_csk_listen_stop, as CLOSE orphan (sock_orphan ran, the tail has not destroyed it yet:
    // seen for 5 ms in listen-requests-expire on 6.18); never orphan first and then owned again.
    const Observation dying{K::socket, conform::kClose, true};
    const std::vector<TimedObservation> lt3{{listen, 0.005}, {listen, 0.119}, {closing, 0.121}, {dying, 0.123},
                                            {kGone, 0.4}};
    CHECK(lm.check(lt3, closed_at).agree);
    const std::vector<TimedObservation> lt4{{listen, 0.005}, {listen, 0.119}, {dying, 0.121}, {kGone, 0.4}};
    CHECK(lm.check(lt4, closed_at).agree);
    const std::vector<TimedObservation> lt5{{listen, 0.005}, {listen, 0.119}, {dying, 0.121}, {closing, 0.123},
                                            {kGone, 0.4}};
    CHECK_FALSE(lm.check(lt5, closed_at).agree);
    // A child in the accept queue: ESTABLISHED until the listener's close() forgets it (RST), then freed.
    const auto cm = model_of(s, {}, model::SlotRole::child);
    const std::vector<TimedObservation> ct{{child, 0.005}, {child, 0.119}, {kGone, 0.121}, {kGone, 0.4}};
    const conform::TraceCheck c = cm.check(ct, closed_at);
    INFO(allowed_names(c));
    CHECK(c.agree);
    const auto crows = cm.necessary_rows(ct, closed_at);
    INFO(names(crows));
    CHECK(has(crows, model::RowId::forget_established));
    // The open connection's model starts ESTABLISHED with an owner, not in LISTEN.
    CHECK_FALSE(model_of(s, {}).check(lt, closed_at).agree);
}

TEST_CASE("trace check: a queued child that outlives its listener's close(), or goes before it, disagrees") {
    const conform::Scenario& s = *conform::find_scenario("listen-close-queued");
    const Observation child{K::socket, conform::kEstablished, false};
    const auto cm = model_of(s, {}, model::SlotRole::child);
    // Still ESTABLISHED 0.4 s after the listener closed: inet_csk_listen_stop forgets every queued child.
    const conform::TraceCheck stays = cm.check(std::vector<TimedObservation>{{child, 0.005}, {child, 0.5}}, 0.12);
    INFO(allowed_names(stays));
    CHECK_FALSE(stays.agree);
    // Gone while its listener still listens: only a listener out of LISTEN forgets it (the peer neither
    // resets nor closes here).
    const conform::TraceCheck early =
        cm.check(std::vector<TimedObservation>{{child, 0.005}, {kGone, 0.05}, {kGone, 0.5}}, 0.3);
    INFO(allowed_names(early));
    CHECK_FALSE(early.agree);
    CHECK(early.explained == 1);
}

TEST_CASE("trace check: a request socket whose listener closed is freed by its SYN-ACK timer, not sooner") {
    const conform::Scenario& s = *conform::find_scenario("listen-close-requests");
    const Observation request{K::socket, conform::kSynRecv, false};  // inet_diag's state of a request socket
    const auto rm = model_of(s, {}, model::SlotRole::request);
    const std::vector<TimedObservation> t{{request, 0.005}, {request, 1.0}, {kGone, 1.002}, {kGone, 1.3}};
    const conform::TraceCheck c = rm.check(t, 0.12);
    INFO(allowed_names(c));
    CHECK(c.agree);
    const auto rows = rm.necessary_rows(t, 0.12);
    INFO(names(rows));
    CHECK(has(rows, model::RowId::reqsk_timer_drop));
    // 200 ms after the listener's close(): no timer is due yet, and the last ACK never arrives.
    CHECK_FALSE(rm.check(std::vector<TimedObservation>{{request, 0.005}, {request, 0.3}, {kGone, 0.32}, {kGone, 0.6}}, 0.12)
                    .agree);
}

TEST_CASE("trace check: a request's SYN-ACK sent again (its retransmission count up) needs the SYN-ACK timer, not sooner") {
    const conform::Scenario& s = *conform::find_scenario("listen-close-requests-resent");
    const Observation request{K::socket, conform::kSynRecv, false};
    const auto rm = model_of(s, {}, model::SlotRole::request);
    // SYN-ACK sent again at 1 s (the listener listens), the listener closed at 1.36 s, the next timer (3 s) frees it.
    const std::vector<TimedObservation> t{{request, 0.005}, {request, 1.0},  {request, 1.003, false, true},
                                          {request, 1.36},  {kGone, 3.06}, {kGone, 3.3}};
    const conform::TraceCheck c = rm.check(t, 1.36);
    INFO(allowed_names(c));
    CHECK(c.agree);
    const auto rows = rm.necessary_rows(t, 1.36);
    INFO(names(rows));
    CHECK(has(rows, model::RowId::reqsk_timer_resend));
    CHECK(has(rows, model::RowId::reqsk_timer_drop));
    // The count up 300 ms after the SYN-ACK: no timer is due yet.
    const conform::TraceCheck early = rm.check(
        std::vector<TimedObservation>{{request, 0.005}, {request, 0.3}, {request, 0.303, false, true}, {kGone, 3.06}}, 1.36);
    INFO(allowed_names(early));
    CHECK_FALSE(early.agree);
}
