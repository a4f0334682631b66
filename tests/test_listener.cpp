// A listener closing with children in its accept queue and request sockets (--listener yes): the properties
// hold, each new property fails on a broken variant with a counterexample through inet_csk_listen_stop /
// inet_child_forget, reductions and engines agree, every orphan increment site is covered, bad input is refused.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <tuple>

#include "helpers.hpp"
#include "orphancheck/model/row_effects.hpp"
#include "orphancheck/reports/socket_view.hpp"

using namespace orphancheck;
using properties::PropertyId;

namespace {
// A listener, one queued child, one request socket, no open socket: small enough for every comparison.
const cli::OptionValues kLean = {{"listener", "yes"}, {"sockets", "0"},      {"accept-queue", "1"},
                                 {"syn-queue", "1"},  {"fin-timeout", "60"}, {"linger", "off"},
                                 {"unread", "no"}};

std::string broken_patch(const std::string& name) {
    return std::string(ORPHANCHECK_CHECKS) + "/../model/patches/broken/" + name + ".toml";
}

std::string rows_of(const checker::Trace& t) {
    std::string s;
    for (const auto& st : t.steps) s += st.rows + " | " + st.kernel_function + " | " + st.event + "\n";
    return s;
}

// `patch` breaks `p` (which holds without it) with a counterexample whose steps name `function`.
void breaks(const std::string& patch, PropertyId p, const std::string& function) {
    const std::string name(properties::info(p).name);
    INFO("property " << name << ", patch " << patch);
    auto spec = test::spec_of(kLean, {name});
    REQUIRE(checker::explore(spec).verdict == checker::Verdict::pass);
    spec = test::patched_spec_of(kLean, broken_patch(patch));
    spec.properties = properties::bit(p);
    const auto bad = checker::explore(spec);
    REQUIRE(bad.verdict == checker::Verdict::fail);
    const auto& r = test::result_of(bad, p);
    REQUIRE(r.counterexample.has_value());
    INFO("counterexample:\n" << rows_of(*r.counterexample));
    bool named = false;
    for (const auto& st : r.counterexample->steps) named = named || st.kernel_function.find(function) != std::string::npos;
    CHECK(named);
}
}  // namespace

TEST_CASE("listener: a listener with queued children and a request socket keeps every property") {
    for (const char* sockets : {"0", "1"}) {
        auto opts = kLean;
        opts["sockets"] = sockets;
        const auto r = checker::explore(test::spec_of(opts));
        INFO("--sockets " << sockets << ": " << r.stats.states << " states");
        CHECK(r.verdict == checker::Verdict::pass);
        for (const auto& p : r.properties) {
            INFO("property " << properties::info(p.id).name);
            CHECK(p.status == checker::Status::holds);
        }
    }
}

TEST_CASE("listener: every row of the listener, its children and its requests fires in a listener run") {
    auto opts = kLean;
    opts["synack-retries"] = "1";
    opts["fin-timeout"] = "60,120";
    std::set<model::RowId> seen;
    test::for_each_socket_move(opts, [&](const checker::SockMove& m) {
        seen.insert(m.row1);
        seen.insert(m.row2);
    });
    using model::RowId;
    for (RowId r : {RowId::close_listen, RowId::listen_stop_done, RowId::forget_established, RowId::forget_close_wait,
                    RowId::forget_closed, RowId::forced_destroy, RowId::req_ack_child, RowId::req_ack_no_listener,
                    RowId::reqsk_timer_resend, RowId::reqsk_timer_expire, RowId::reqsk_timer_drop,
                    RowId::rst_new_syn_recv}) {
        INFO("row " << model::row_name(r));
        CHECK(seen.count(r) == 1);
    }
}

TEST_CASE("listener: each new property fails on its broken variant, through inet_csk_listen_stop") {
    breaks("listen-stop-forget-uncounted", PropertyId::child_forget, "inet_child_forget");
    breaks("listen-stop-forget-uncounted", PropertyId::counter_never_negative, "inet_child_forget");
    breaks("listen-stop-forget-no-rst", PropertyId::child_forget, "inet_child_forget");
    breaks("listen-stop-forget-no-rst", PropertyId::rst_discipline, "inet_child_forget");
    breaks("listen-stop-skips-queue", PropertyId::listener_drains, "inet_csk_listen_stop");
    breaks("listen-stop-skips-queue", PropertyId::no_deadlock, "inet_csk_listen_stop");
    breaks("reqsk-timer-resets", PropertyId::reqsk_silent, "reqsk_timer_handler");
}

TEST_CASE("listener: symmetry, partial-order reduction, threads and the MSM engine give the same verdicts") {
    auto opts = kLean;
    opts["accept-queue"] = "2";
    const auto base = checker::explore(test::spec_of(opts));
    REQUIRE(base.verdict == checker::Verdict::pass);
    auto plain = test::spec_of(test::with(opts, "symmetry", "no"));
    const auto unreduced = checker::explore(plain);
    CHECK(unreduced.verdict == checker::Verdict::pass);
    CHECK(unreduced.stats.states > base.stats.states);  // the two children are interchangeable
    const auto por = checker::explore(test::spec_of(test::with(opts, "por", "yes"), {"safety"}));
    CHECK(por.verdict == checker::Verdict::pass);
    CHECK(por.stats.states <= base.stats.states);
    auto threaded = test::spec_of(opts);
    threaded.threads = 2;
    const auto t2 = checker::explore(threaded);
    CHECK(t2.stats.states == base.stats.states);
    CHECK(t2.stats.transitions == base.stats.transitions);
    auto msm = test::spec_of(test::with(kLean, "engine", "msm"));
    auto table = test::spec_of(kLean);
    const auto a = checker::explore(msm), b = checker::explore(table);
    CHECK(a.verdict == b.verdict);
    CHECK(a.stats.states == b.stats.states);
    CHECK(a.stats.transitions == b.stats.transitions);
}

TEST_CASE("listener: the partial-order reduction finds what the full search finds on a broken listener") {
    auto spec = test::patched_spec_of(test::with(kLean, "sockets", "1"), broken_patch("listen-stop-skips-queue"));
    spec.properties = properties::bit(PropertyId::listener_drains) | properties::bit(PropertyId::orphan_balance);
    spec.por = false;
    const auto full = checker::explore(spec);
    spec.por = true;
    const auto reduced = checker::explore(spec);
    CHECK(full.verdict == checker::Verdict::fail);
    CHECK(reduced.verdict == checker::Verdict::fail);
    CHECK(test::result_of(reduced, PropertyId::listener_drains).status == checker::Status::violated);
}

// Every row that counts an orphan (the increment sites: __tcp_close's tail, inet_child_forget) is covered by a
// property: dropping its increment is found in a run that reaches it.
TEST_CASE("listener: dropping the increment of any orphan_inc row is found") {
    const std::vector<cli::OptionValues> runs = {
        {{"sockets", "1"}, {"linger2", "all"}, {"fin-timeout", "60,120"}, {"max-orphans", "0,1"},
         {"max-tw-buckets", "0,1"}, {"memory-pressure", "all"}},
        {{"listener", "yes"}, {"sockets", "0"}, {"accept-queue", "1"}, {"fin-timeout", "60"}, {"linger", "off"}}};
    const auto counter = properties::bit(PropertyId::counter_never_negative) |
                         properties::bit(PropertyId::orphan_balance) | properties::bit(PropertyId::child_forget);
    int sites = 0;
    for (int r = 0; r < model::kRows; ++r) {
        const auto row = model::RowId(r);
        if (!model::row_has_effect(row, model::Effect::orphan_inc)) continue;
        ++sites;
        INFO("row " << model::row_name(row));
        bool found = false;
        for (const auto& opts : runs) {
            auto spec = test::spec_of(opts);
            spec.properties = counter;
            spec.por = false;
            spec.patch.name = "drop-increment";
            spec.patch.edits.push_back({model::RowEdit::Kind::drop_effect, row, model::Effect::orphan_inc});
            const auto res = checker::explore(spec);
            found = found || res.verdict == checker::Verdict::fail;
        }
        CHECK(found);
    }
    CHECK(sites >= 17);  // the tail rows of __tcp_close and the three inet_child_forget rows
}

TEST_CASE("listener: the socket view draws the listener, its children and requests only when asked") {
    const auto text = [](const reports::DotGraph& g) {
        std::string s;
        for (const auto& n : g.nodes) s += n.at("label") + "\n";
        for (const auto& e : g.edges) s += e.attrs.at("tooltip") + "\n";
        return s;
    };
    const std::string plain = text(reports::socket_view(true, false));
    const std::string with_listener = text(reports::socket_view(true, true));
    for (const char* what : {"LISTEN", "NEW_SYN_RECV", "forget_established", "forced_destroy", "req_ack_child",
                             "reqsk_timer_drop", "listen_stop_done"}) {
        INFO(what);
        CHECK(plain.find(what) == std::string::npos);
        CHECK(with_listener.find(what) != std::string::npos);
    }
    const auto r = test::run_cli("graph --view socket --listener yes");
    CHECK(r.code == 0);
    CHECK(r.out.find("NEW_SYN_RECV") != std::string::npos);
}

TEST_CASE("listener: bad input is one line and exit 2") {
    test::check_refused("check --listener yes --accept-queue -1", "--accept-queue");
    test::check_refused("check --accept-queue 2", "--listener yes");
    test::check_refused("check --syn-queue 1", "--listener yes");
    test::check_refused("check --listener yes --sockets 2 --accept-queue 13", "at most 14");
    test::check_refused("check --synack-retries 2", "request sockets");
    test::check_refused("check --listener yes --abort yes", "tcp_abort");
    test::check_refused("check --sockets 0", "--listener yes");
    test::check_refused("check --listener maybe", "--listener");
    test::check_refused("export --promela -o /tmp/x.pml --listener yes", "listener");
    test::check_refused("lifetime --listener yes", "listener");
}

// Connections accepted before the listener closed (--sockets N beside --listener yes) are today's sockets: every
// configuration an open socket reaches has the same moves whatever the listener does.
TEST_CASE("listener: an accepted connection behaves the same whatever the listener's phase") {
    auto opts = kLean;
    opts["sockets"] = "1";
    const auto spec = test::spec_of(opts);
    auto plain_opts = opts;
    plain_opts.erase("listener");
    plain_opts.erase("accept-queue");
    plain_opts.erase("syn-queue");
    const auto plain_spec = test::spec_of(plain_opts);
    REQUIRE(spec.cases.size() == plain_spec.cases.size());
    for (std::size_t c = 0; c < spec.cases.size(); ++c) {
        checker::SocketSpace plain(plain_spec.cases[c], checker::Engine::table, {});
        checker::SocketSpace roles(spec.cases[c], checker::Engine::table, {}, spec.roles);
        plain.complete(spec.sockets);
        roles.complete(spec.sockets);
        const auto key = [](const checker::SocketSpace& sp, checker::Combo x) {
            return std::pair{sp.local(x).pack(), sp.env_bits(x)};
        };
        std::map<std::pair<std::uint32_t, std::uint16_t>, checker::Combo> in_roles;
        for (std::size_t i = 0; i < roles.size(); ++i) in_roles[key(roles, checker::Combo(i))] = checker::Combo(i);
        std::size_t compared = 0;
        for (std::size_t i = 0; i < plain.size(); ++i) {
            const auto x = checker::Combo(i);
            REQUIRE(in_roles.count(key(plain, x)) == 1);
            const checker::Combo y = in_roles.at(key(plain, x));
            for (int base = 0; base < model::kGuardInputCombos; ++base) {
                std::set<std::tuple<std::uint32_t, std::uint16_t, int, int>> want;
                for (const auto& m : plain.moves(x, base)) want.insert({plain.local(m.next).pack(), plain.env_bits(m.next), m.label, m.delta});
                for (int phase = 0; phase < checker::kListenerPhases; ++phase) {
                    std::set<std::tuple<std::uint32_t, std::uint16_t, int, int>> got;
                    for (const auto& m : roles.moves(y, base + model::kGuardInputCombos * phase))
                        got.insert({roles.local(m.next).pack(), roles.env_bits(m.next), m.label, m.delta});
                    INFO(model::describe(plain.local(x)) << " under guard input " << base << ", listener phase " << phase);
                    CHECK(got == want);
                    ++compared;
                }
            }
        }
        CHECK(compared > 100);
    }
}
