// The connecting side's scenarios: our sockets are clients whose connect() is
// in progress (SYN_SENT), the server's SYN-ACK dropped until an allow_all. The
// listener never accepts. Each is a short loopback experiment, checked by
// states and rows (Scenario::timed is false).
#include "scenario_table.hpp"

namespace orphancheck::conform::table {

void add_connect_scenarios(std::vector<Scenario>& s) {
    using A = Act;
    const auto add = [&](Scenario x) { s.push_back(std::move(x)); };
    // __tcp_close in SYN_SENT: no FIN and no RST; the socket is orphaned, counted and freed inside close().
    add({.name = "syn-sent-close", .what = "connect() with the SYN-ACK dropped, close() in SYN_SENT: freed at once, nothing sent",
         .connections = 2, .connecting = true, .actions = {{A::wait, 100}, {A::close}}, .deadline_s = 1,
         .peer = kSilent, .expect_orphans = 0});
    // No scenario lets the SYN timer give up (syn_timeout_syn_sent): see coverage.cpp's reason.
    // The drop lifted at 500 ms: the SYN sent again at 1 s gets the server's SYN-ACK and the connection is
    // established (a child in the listener's queue, never accepted); then close() from ESTABLISHED. The
    // FIN_WAIT2 bucket would last 10.5 s (tcp_fin_time: 3.5 RTOs, and the RTO is 3 s after a SYN sent again):
    // ss -K ends it.
    add({.name = "syn-sent-established", .what = "the SYN-ACK dropped until 500 ms: the SYN sent again at 1 s connects, then close(), then ss -K",
         .connections = 2, .connecting = true,
         .actions = {{A::wait, 500}, {A::allow_all}, {A::wait, 1000}, {A::close}, {A::wait, 300}, {A::abort}},
         .deadline_s = 1, .peer = kAbortLossy, .expect_orphans = 0});
}

}  // namespace orphancheck::conform::table
