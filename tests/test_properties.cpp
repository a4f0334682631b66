// The property evaluators on hand-made global states, and the kernel quirk
// that makes "quiescent" necessary: a segment processed from the backlog
// inside __tcp_close can destroy the socket before its orphan increment.
#include <doctest/doctest.h>

#include <array>

#include "helpers.hpp"
#include "orphancheck/checker/socket_space.hpp"

using namespace orphancheck;
using model::TcpState;
using properties::PropertyId;
using properties::SocketView;

namespace {
properties::PropertyMask eval(int counter, std::initializer_list<SocketView> socks) {
    static std::vector<SocketView> store;
    store.assign(socks);
    std::vector<const SocketView*> ptrs;
    for (const auto& s : store) ptrs.push_back(&s);
    return properties::violated_invariants({counter, ptrs}, ~properties::PropertyMask(0));
}
SocketView orphan(TcpState s) { return {s, true, false, 1, 0, false}; }
}  // namespace

TEST_CASE("properties: a counted FIN_WAIT1 orphan and a timewait bucket are balanced") {
    const SocketView tw{TcpState::tw_time_wait, false, false, 1, 1, true};
    CHECK(eval(1, {orphan(TcpState::fin_wait1), tw}) == 0);
    const auto bal = properties::bit(PropertyId::orphan_balance);
    CHECK((eval(0, {orphan(TcpState::fin_wait1), tw}) & bal) != 0);
    CHECK((eval(2, {orphan(TcpState::fin_wait1), tw}) & bal) != 0);
}

TEST_CASE("properties: classification of orphans, buckets and open sockets") {
    const auto cls = properties::bit(PropertyId::orphan_classification);
    CHECK((eval(0, {SocketView{TcpState::fin_wait2, true, false, 0, 0, false}}) & cls) != 0);   // uncounted orphan
    CHECK((eval(1, {SocketView{TcpState::tw_fin_wait2, false, false, 1, 0, false}}) & cls) != 0);  // counted bucket
    CHECK((eval(1, {SocketView{TcpState::established, false, false, 1, 0, false}}) & cls) != 0);   // counted open socket
    CHECK((eval(1, {orphan(TcpState::last_ack)}) & cls) == 0);
}

TEST_CASE("properties: single increment / decrement and negative counter") {
    CHECK((eval(2, {SocketView{TcpState::closing, true, false, 2, 0, false}}) &
           properties::bit(PropertyId::single_increment)) != 0);
    const auto twice = eval(-1, {SocketView{TcpState::destroyed, false, false, 1, 2, true}});
    CHECK((twice & properties::bit(PropertyId::single_decrement)) != 0);
    CHECK((twice & properties::bit(PropertyId::counter_never_negative)) != 0);
}

TEST_CASE("properties: between sock_orphan and the increment the counter may lag") {
    // Destroyed from the backlog before the increment: the kernel's sum is -1 for a moment.
    const SocketView early{TcpState::destroyed, true, true, 0, 1, true};
    CHECK(eval(-1, {early}) == 0);
    // The other sockets are still checked meanwhile.
    CHECK(eval(0, {early, orphan(TcpState::fin_wait1)}) == 0);
    CHECK((eval(-1, {early, orphan(TcpState::fin_wait1)}) & properties::bit(PropertyId::orphan_balance)) != 0);
}

TEST_CASE("model: an RST processed from the backlog in __tcp_close decrements before the increment") {
    auto spec = test::spec_of({{"sockets", "1"}, {"linger", "off"}, {"unread", "no"}, {"fin-timeout", "60"}});
    checker::SocketSpace sp(spec.cases.front(), checker::Engine::table, {});
    auto take = [&sp](checker::Combo c, const std::string& label) {
        for (const auto& m : sp.moves(c, 0))
            if (checker::label_name(m.label) == label) return m;
        FAIL("no move " << label);
        return checker::SockMove{};
    };
    const auto closed = take(sp.initial(), model::event_name(model::close_event({})));
    CHECK(closed.delta == 0);
    const auto rst_sent = take(closed.next, "peer aborts (RST)");
    const auto rst_in = take(rst_sent.next, "peer RST arrives");
    CHECK(rst_in.delta == -1);  // inet_csk_destroy_sock before the increment
    CHECK(rst_in.row1 == model::RowId::rst_fin_wait1);
    CHECK_FALSE(sp.view(rst_in.next).quiescent());
    const auto tail = take(rst_in.next, model::event_name(model::event_of(model::EventKind::close_tail)));
    CHECK(tail.delta == 1);
    CHECK(tail.row1 == model::RowId::tail_after_destroy);
    CHECK(sp.view(tail.next).finished());
}
