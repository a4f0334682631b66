// The event descriptor table (model/events.hpp) and the bit layouts derived from it.
#include <doctest/doctest.h>

#include <set>

#include "orphancheck/checker/env.hpp"
#include "orphancheck/checker/socket_space.hpp"
#include "orphancheck/model/close_path.hpp"

using namespace orphancheck;
using namespace orphancheck::model;

TEST_CASE("events: one descriptor per kind, each with rows, a kernel function and a stimulus of its own kind") {
    std::set<std::string_view> ids;
    for (const EventInfo& i : event_infos()) {
        INFO(i.id);
        CHECK(ids.insert(i.id).second);
        CHECK(!i.kernel_function.empty());
        CHECK(!i.text.empty());
        CHECK(fairness_name(i.fairness) != "?");
        CHECK(timing_name(i.timing) != "?");
        CHECK(source_name(i.source) != "?");
        // Timers are the kernel's own moves; only timers and close() steps carry a fairness class.
        if (i.timing == Timing::rto || i.timing == Timing::probe || i.timing == Timing::keepalive ||
            i.timing == Timing::timewait || i.timing == Timing::linger) {
            CHECK(i.source == Source::direct);
            CHECK(i.fairness != Fairness::none);
        }
        if (i.source == Source::segment) CHECK(i.fairness == Fairness::none);
        // Every event that is not a flag on another one's segment or call has rows of its own.
        int rows = 0;
        for (const RowDescription& d : describe_table()) rows += d.event == i.kind ? 1 : 0;
        if (i.kind != EventKind::rx_fin_ack && i.kind != EventKind::rx_fin_old_ack &&
            i.kind != EventKind::shutdown_zero_window && i.kind != EventKind::shutdown_unacked &&
            i.kind != EventKind::listen_stop_end_busy && i.kind != EventKind::rx_hs_ack_no_listener &&
            i.kind != EventKind::reqsk_timer_no_listener)
            CHECK(rows > 0);
    }
    CHECK(ids.size() == std::size_t(kEventKinds));
}

TEST_CASE("events: close() variants round-trip, every other event id names its kind") {
    std::set<EventId> seen;
    for (int l = 0; l < kLingers; ++l)
        for (int l2 = 0; l2 < kLinger2s; ++l2)
            for (bool unread : {false, true})
                for (bool window : {false, true})
                    for (bool unacked : {false, true}) {
                        const CloseOpts o{Linger(l), Linger2(l2), unread, window, unacked};
                        const EventId e = close_event(o);
                        CHECK(e < kCloseVariants);
                        CHECK(kind_of(e) == EventKind::close);
                        CHECK(close_opts_of(e) == o);
                        seen.insert(e);
                    }
    CHECK(seen.size() == std::size_t(kCloseVariants));
    for (const EventInfo& i : event_infos()) {
        if (i.kind == EventKind::close) continue;
        CHECK(kind_of(event_of(i.kind)) == i.kind);
        CHECK(event_name(event_of(i.kind)) == i.text);
    }
    CHECK(int(event_of(event_infos().back().kind)) == kEvents - 1);
}

TEST_CASE("events: the explorer's labels and fairness come from the descriptors") {
    for (int e = 0; e < kEvents; ++e) {
        const auto k = kind_of(EventId(e));
        CHECK(checker::label_fairness(checker::kernel_label(EventId(e))) == info(k).fairness);
        CHECK(checker::label_timing(checker::kernel_label(EventId(e))) == info(k).timing);
    }
    for (int v = 0; v < checker::kEnvEvents; ++v) {
        const auto l = checker::env_label(checker::EnvEvent(v));
        CHECK(checker::is_env_label(l));
        CHECK(checker::label_fairness(l) == Fairness::none);
        const Timing t = checker::label_timing(l);
        CHECK((t == Timing::instant || t == Timing::anytime));
    }
}

TEST_CASE("socket data: every field survives packing at its widest value") {
    SockData d;
    d.dead = d.lingering = d.owned = d.tail = d.fin_long = d.l2neg = d.purged = d.window_wait = true;
    d.retries = 255;
    d.backoff = SockData::kMaxBackoff;
    for (int s = 0; s < kTcpStates; ++s) {
        const LocalKey k{TcpState(s), d};
        CHECK(LocalKey::unpack(k.pack()) == k);
    }
    SockData one;
    one.backoff = 1;
    CHECK(SockData::unpack(one.pack()) == one);
    CHECK(SockData::unpack(one.pack()).retries == 0);
}
