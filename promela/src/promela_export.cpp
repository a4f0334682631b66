#include "orphancheck/promela/promela_export.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "c_tables.hpp"
#include "orphancheck/checker/env.hpp"
#include "orphancheck/checker/explorer.hpp"
#include "orphancheck/checker/socket_space.hpp"
#include "orphancheck/model/close_path.hpp"
#include "orphancheck/properties/invariant_terms.hpp"

namespace orphancheck::promela {
namespace {
using properties::PropertyKind;
using properties::PropertyMask;
using I = std::int64_t;

constexpr int kGins = model::kGuardInputCombos;
constexpr int kCaches = 256;  // the orphan cache is a byte

PropertyMask of_kind(PropertyKind k) {
    PropertyMask m = 0;
    for (auto p : properties::all_properties())
        if (properties::info(p).kind == k) m |= properties::bit(p);
    return m;
}

std::string names(PropertyMask m) {
    std::string s;
    for (auto p : properties::all_properties())
        if (m & properties::bit(p)) s += (s.empty() ? "" : ", ") + std::string(properties::info(p).name);
    return s.empty() ? "none" : s;
}

std::string yes_no(bool b) { return b ? "yes" : "no"; }

void validate(const checker::ExploreSpec& spec) {
    if (spec.sockets < 1 || spec.sockets > checker::kMaxSockets)
        throw checker::SpecError(fmt::format("sockets must be between 1 and {}", checker::kMaxSockets));
    if (spec.cases.empty() || spec.cases.size() > 255)
        throw checker::SpecError("between 1 and 255 configurations are needed");
    for (const checker::CaseConfig& c : spec.cases)
        if (c.close_events.empty()) throw checker::SpecError("no close() variant selected");
}

// Every table of the model, flattened over the cases: a socket configuration is oc_base[case] + combo.
struct Tables {
    std::vector<I> base, gin, bucket, own, in_close, counted, state_bad, first, count, next, delta, step_bad, refresh;
    std::size_t max_combo = 0;
    int max_moves = 0;
};

Tables build_tables(std::vector<checker::SocketSpace>& spaces, int n) {
    Tables t;
    for (checker::SocketSpace& sp : spaces) {
        const std::vector<int> gins = sp.guard_inputs(n);
        sp.complete(n);
        t.base.push_back(I(t.bucket.size()));
        t.max_combo = std::max(t.max_combo, sp.size() - 1);
        for (int cache = 0; cache < kCaches; ++cache)
            for (int b = 0; b <= n; ++b) t.gin.push_back(sp.guard_index(cache, b));
        for (std::size_t c = 0; c < sp.size(); ++c) {
            const auto combo = checker::Combo(c);
            const properties::InvariantTerms it = properties::invariant_terms(sp.view(combo));
            t.bucket.push_back(sp.holds_bucket(combo) ? 1 : 0);
            t.own.push_back(it.own);
            t.in_close.push_back(it.in_close);
            t.counted.push_back(it.counted);
            for (int g = 0; g < kGins; ++g) {
                const bool used = std::find(gins.begin(), gins.end(), g) != gins.end();
                t.first.push_back(I(t.next.size()));
                if (!used) {  // guard_index never gives it: no moves, nothing to check
                    t.state_bad.push_back(0);
                    t.count.push_back(0);
                    continue;
                }
                const auto moves = sp.moves(combo, g);
                t.state_bad.push_back(sp.state_violations(combo, g));
                t.count.push_back(I(moves.size()));
                t.max_moves = std::max(t.max_moves, int(moves.size()));
                for (const checker::SockMove& mv : moves) {
                    t.next.push_back(mv.next);
                    t.delta.push_back(mv.delta);
                    t.step_bad.push_back(mv.violates);
                }
            }
        }
    }
    if (t.max_moves > 255) throw checker::SpecError("more than 255 moves of one socket configuration");
    for (int c = -checker::kCounterLimit; c <= checker::kCounterLimit; ++c)
        t.refresh.push_back(checker::refreshed_cache(c));
    return t;
}

void write_header(std::ostream& out, const checker::ExploreSpec& spec, const ExportSummary& sum) {
    out << fmt::format("/* orphancheck {} Promela export: {}, {} socket{}, {} configuration{}, engine {}{}\n",
                       ORPHANCHECK_VERSION, spec.profile, spec.sockets, spec.sockets == 1 ? "" : "s", spec.cases.size(),
                       spec.cases.size() == 1 ? "" : "s", spec.engine == checker::Engine::table ? "table" : "msm",
                       spec.patch.edits.empty() ? "" : ", patch " + spec.patch.describe());
    for (std::size_t i = 0; i < spec.cases.size(); ++i) {
        const checker::CaseConfig& c = spec.cases[i];
        out << fmt::format(" * configuration {}: {}\n *   each socket closes with: {}\n", i, c.describe(),
                           c.describe_closes());
        out << fmt::format(" *   peer FIN {}, peer RST {}, peer data {}, loss {}, tcp_abort {}\n", yes_no(c.peer.fin),
                           yes_no(c.peer.rst), yes_no(c.peer.data), yes_no(c.peer.loss), yes_no(c.peer.abort));
    }
    out << " *\n"
           " * The global transition system orphancheck's explorer searches, without symmetry reduction. A state is\n"
           " * what the explorer stores: oc_case (the configuration), oc_counter (tcp_orphan_count), oc_cache (the\n"
           " * cached orphan count), oc_combo[s] (socket s's configuration: kernel state, peer and network, as\n"
           " * numbered in the legend at the end). Every global transition is one d_step from the loop head:\n"
           " * socket s takes its m-th move under the current guard inputs (tcp_check_oom on the cache, timewait\n"
           " * buckets in use), or the cache is refreshed from the counter. Moves that would take the counter\n"
        << fmt::format(" * beyond +-{} are left out, as the explorer leaves them out (and calls its run incomplete).\n",
                       checker::kCounterLimit)
        << fmt::format(" * Asserted invariants: {}\n", names(sum.asserted & of_kind(PropertyKind::invariant)))
        << fmt::format(" * Asserted step properties (on every transition): {}\n",
                       names(sum.asserted & of_kind(PropertyKind::step)))
        << fmt::format(" * Not asserted: the terminal-state properties ({}) and liveness ({}); orphancheck checks\n"
                       " * them on the explored graph. Terminal states are valid end states (end: label).\n",
                       names(of_kind(PropertyKind::terminal)), names(of_kind(PropertyKind::liveness)))
        << fmt::format(" * SPIN's 'states, stored' is orphancheck's state count + {}{}.\n", sum.extra_states,
                       sum.extra_states ? " (the state before the initial choice of a configuration)" : "")
        << fmt::format(" * SPIN's transitions (stored + matched) are orphancheck's + {} ({}).\n", sum.extra_transitions,
                       sum.extra_states ? "the initial state and the choices of a configuration" : "the initial state")
        << " * Run: spin -a FILE.pml && gcc -O2 -DSAFETY -DNOREDUCE -o pan pan.c && ./pan -m100000 -w24\n"
           " */\n"
        << fmt::format("/* orphancheck-states-offset: {} */\n", sum.extra_states)
        << fmt::format("/* orphancheck-transitions-offset: {} */\n\n", sum.extra_transitions);
}

void write_c_code(std::ostream& out, const Tables& t, int n, PropertyMask inv, PropertyMask steps) {
    out << "c_code {\n";
    out << fmt::format("\\#define OC_N {}\n\\#define OC_GINS {}\n", n, kGins);
    out << fmt::format("\\#define OC_CACHES {}\n\\#define OC_LIMIT {}\n", kCaches, checker::kCounterLimit);
    out << fmt::format("\\#define OC_WANTED_INVARIANTS 0x{:x}u\n\\#define OC_WANTED_STEPS 0x{:x}u\n", inv, steps);
    out << fmt::format("\\#define OC_ORPHAN_BALANCE 0x{:x}u\n\\#define OC_COUNTER_NEVER_NEGATIVE 0x{:x}u\n}}\n",
                       properties::bit(properties::PropertyId::orphan_balance),
                       properties::bit(properties::PropertyId::counter_never_negative));
    write_c_table(out, "first socket configuration of each case", "unsigned int", "oc_base", t.base);
    write_c_table(out, "guard input by [case][cache][timewait buckets held] (SocketSpace::guard_index)",
                  "unsigned char", "oc_gin", t.gin);
    write_c_table(out, "configuration holds a timewait bucket", "unsigned char", "oc_bucket", t.bucket);
    write_c_table(out, "invariants the socket breaks by itself (single-increment, single-decrement, classification)",
                  "unsigned short", "oc_own", t.own);
    write_c_table(out, "its share of the counter while inside __tcp_close", "signed char", "oc_in_close", t.in_close);
    write_c_table(out, "counted as an orphan outside __tcp_close", "unsigned char", "oc_counted", t.counted);
    write_c_table(out, "per [configuration][guard input]: state properties broken (timer-armed, ...)", "unsigned short",
                  "oc_state_bad", t.state_bad);
    write_c_table(out, "per [configuration][guard input]: first move", "unsigned int", "oc_first", t.first);
    write_c_table(out, "per [configuration][guard input]: number of moves", "unsigned char", "oc_count", t.count);
    write_c_table(out, "move: next configuration (within the case)", "unsigned short", "oc_next", t.next);
    write_c_table(out, "move: orphan counter change", "signed char", "oc_delta", t.delta);
    write_c_table(out, "move: step properties it breaks", "unsigned short", "oc_step_bad", t.step_bad);
    write_c_table(out, "refreshed cache by counter + OC_LIMIT (tcp_orphan_update)", "unsigned char", "oc_refresh",
                  t.refresh);
    out << R"(c_code {
static unsigned int oc_config(int s) { return oc_base(now.oc_case) + (unsigned int)now.oc_combo[s]; }
static unsigned int oc_gin_now(void) {
    int s, buckets = 0;
    for (s = 0; s < OC_N; s++) buckets += oc_bucket(oc_config(s));
    return oc_gin(((unsigned int)now.oc_case * OC_CACHES + now.oc_cache) * (OC_N + 1) + buckets);
}
static unsigned int oc_slot(int s) { return oc_config(s) * OC_GINS + oc_gin_now(); }
static int oc_can(int s, int m) {
    unsigned int k = oc_slot(s);
    int c;
    if (m >= oc_count(k)) return 0;
    c = now.oc_counter + oc_delta(oc_first(k) + m);
    return c >= -OC_LIMIT && c <= OC_LIMIT;
}
static void oc_take(int s, int m) {
    unsigned int j = oc_first(oc_slot(s)) + m;
    now.oc_combo[s] = oc_next(j);
    now.oc_counter += oc_delta(j);
    oc_step_broken = (oc_step_bad(j) & OC_WANTED_STEPS) != 0;
}
/* properties::violated_invariants plus SocketSpace::state_violations, as the explorer records them */
static unsigned int oc_invariants(void) {
    unsigned int v = 0, g = oc_gin_now();
    int s, in_close = 0, counted = 0, rest;
    for (s = 0; s < OC_N; s++) {
        unsigned int k = oc_config(s);
        v |= oc_own(k) | oc_state_bad(k * OC_GINS + g);
        in_close += oc_in_close(k);
        counted += oc_counted(k);
    }
    rest = now.oc_counter - in_close;
    if (rest != counted) v |= OC_ORPHAN_BALANCE;
    if (rest < 0) v |= OC_COUNTER_NEVER_NEGATIVE;
    return v & OC_WANTED_INVARIANTS;
}
/* c_expr guards may not call functions (SPIN takes a call for a side effect): they use these macros,
   written \#define so that SPIN's preprocessor leaves them to pan.c */
\#define OC_STALE_CACHE (now.oc_cache != oc_refresh(now.oc_counter + OC_LIMIT))
\#define OC_INVARIANT_BROKEN (oc_invariants() != 0)
)";
    for (int s = 0; s < n; ++s)
        for (int m = 0; m < t.max_moves; ++m) out << fmt::format("\\#define OC_MOVE_{0}_{1} oc_can({0}, {1})\n", s, m);
    out << "}\n\n";
}

void write_process(std::ostream& out, const checker::ExploreSpec& spec, int max_moves, PropertyMask inv,
                   PropertyMask steps) {
    out << "active proctype sockets() {\n";
    if (spec.cases.size() > 1) {
        out << "    if\n";
        for (std::size_t c = 0; c < spec.cases.size(); ++c) out << fmt::format("    :: oc_case = {}\n", c);
        out << "    fi;\n";
    }
    out << "end:\n    do\n";
    const std::string step_assert = steps ? "; assert(!oc_step_broken)" : "";
    for (int s = 0; s < spec.sockets; ++s)
        for (int m = 0; m < max_moves; ++m)
            out << fmt::format(
                "    :: d_step {{ c_expr {{ OC_MOVE_{0}_{1} }} -> c_code {{ oc_take({0}, {1}); }}{2} }}\n", s, m,
                step_assert);
    out << "    :: d_step { c_expr { OC_STALE_CACHE } -> "
           "c_code { now.oc_cache = oc_refresh(now.oc_counter + OC_LIMIT); } }\n";
    if (inv)
        out << "    :: d_step { c_expr { OC_INVARIANT_BROKEN } -> c_code { oc_broken = oc_invariants(); }; "
               "assert(oc_broken == 0) }\n";
    out << "    od\n}\n";
}

void write_legend(std::ostream& out, const std::vector<checker::SocketSpace>& spaces) {
    out << "\n/* Legend: socket configurations (oc_combo values) of each case\n";
    for (std::size_t c = 0; c < spaces.size(); ++c)
        for (std::size_t i = 0; i < spaces[c].size(); ++i) {
            const auto combo = checker::Combo(i);
            out << fmt::format(" * case {} combo {}: {} | {}\n", c, i, model::describe(spaces[c].local(combo)),
                               checker::describe_env(spaces[c].env_bits(combo)));
        }
    out << " */\n";
}
}  // namespace

PropertyMask assertable_properties() { return of_kind(PropertyKind::invariant) | of_kind(PropertyKind::step); }

ExportSummary write_promela(std::ostream& out, const checker::ExploreSpec& spec) {
    validate(spec);
    std::vector<checker::SocketSpace> spaces;
    spaces.reserve(spec.cases.size());
    for (const checker::CaseConfig& c : spec.cases) spaces.emplace_back(c, spec.engine, spec.patch);
    const Tables t = build_tables(spaces, spec.sockets);

    ExportSummary sum;
    sum.cases = spec.cases.size();
    for (const auto& sp : spaces) sum.socket_configs += sp.size();
    sum.max_moves = t.max_moves;
    sum.extra_states = spec.cases.size() > 1 ? 1 : 0;
    sum.extra_transitions = 1 + (spec.cases.size() > 1 ? spec.cases.size() : 0);
    sum.asserted = spec.properties & assertable_properties();
    const PropertyMask inv = sum.asserted & of_kind(PropertyKind::invariant);
    const PropertyMask steps = sum.asserted & of_kind(PropertyKind::step);

    write_header(out, spec, sum);
    out << "byte oc_case;\nshort oc_counter;\nbyte oc_cache;\n";
    out << fmt::format("{} oc_combo[{}];\n", t.max_combo < 32768 ? "short" : "int", spec.sockets);
    out << "hidden byte oc_step_broken;  /* the last move breaks a wanted step property */\n";
    out << "hidden int oc_broken;        /* the invariants broken in the current state */\n\n";
    write_c_code(out, t, spec.sockets, inv, steps);
    write_process(out, spec, t.max_moves, inv, steps);
    write_legend(out, spaces);
    return sum;
}

}  // namespace orphancheck::promela
