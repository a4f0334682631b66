#include "lifetime_command.hpp"

#include <algorithm>
#include <charconv>
#include <iostream>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "orphancheck/analysis/lifetime.hpp"
#include "orphancheck/conform/kernel_config.hpp"
#include "orphancheck/reports/interval_json.hpp"
#include "orphancheck/reports/lifetime_svg.hpp"
#include "orphancheck/reports/json_envelope.hpp"
#include "orphancheck/reports/output_file.hpp"

namespace orphancheck::cli {
namespace {
std::string close_name(model::EventId e) {
    const model::CloseOpts o = model::close_opts_of(e);
    return fmt::format("SO_LINGER={} TCP_LINGER2={}{}{}{}", model::linger_name(o.linger), model::linger2_name(o.linger2),
                       o.unread ? " unread" : "", o.window_closed ? " window-zero" : "", o.unacked ? " data-unacked" : "");
}
void print_path(const char* which, const std::vector<analysis::PathStep>& path) {
    if (path.empty()) {
        fmt::print("      {} time: no path (unbounded)\n", which);
        return;
    }
    fmt::print("      {} time, {:.2f} s:\n", which, path.back().at);
    for (const analysis::PathStep& s : path) fmt::print("        {:>9.3f} s  {:<44} -> {}\n", s.at, s.event, s.to);
}

nlohmann::json path_json(const std::vector<analysis::PathStep>& path) {
    nlohmann::json steps = nlohmann::json::array();
    for (const analysis::PathStep& s : path) steps.push_back({{"event", s.event}, {"to", s.to}, {"at_seconds", s.at}});
    return steps;
}
}  // namespace

OptionValues lifetime_defaults() {
    return {{"sockets", "1"},       {"linger", "all"},      {"linger2", "sysctl"},   {"unread", "no"},
            {"orphan-retries", "0"}, {"max-orphans", "65536"}, {"max-tw-buckets", "65536"},
            {"peer-fin", "no"},     {"peer-rst", "no"},     {"peer-data", "no"},     {"loss", "yes"},
            {"loss-probe", "yes"}};
}

int run_lifetime(const LifetimeArgs& args, const checker::ExploreSpec& spec) {
    if (!spec.roles.empty())
        throw UsageError("lifetime with --listener yes or --connecting: lifetime times an open connection from its "
                         "close(), not a listener's children, request or connecting sockets");
    if (!args.json_path.empty()) reports::check_output("--json", args.json_path, {"JSON"});  // before the table
    if (!args.svg_path.empty()) reports::check_output("--svg", args.svg_path, {"SVG"});
    if (args.svg_path == "-" && args.json_path == "-") throw UsageError("--svg - and --json -: one of them to a file");
    if (args.from != "established" && args.from != "close-wait" && args.from != "both")
        throw UsageError(fmt::format("--from: '{}' is not established, close-wait or both", args.from));
    if (spec.cases.front().shutdown_first)
        throw UsageError("--shutdown wr: lifetime times a socket from close() of an open connection; shutdown() "
                         "before close() is not in the timed reading yet (use check)");
    std::vector<checker::EnvEvent> never;
    if (args.our_fin == "delivered") never = {checker::EnvEvent::drop_fin_to_peer};
    else if (args.our_fin == "lost") never = {checker::EnvEvent::fin_to_peer};
    else if (args.our_fin != "any")
        throw UsageError(fmt::format("--our-fin: '{}' is not delivered, lost or any", args.our_fin));
    if (!never.empty() && !spec.cases.front().peer.loss)
        throw UsageError(fmt::format("--our-fin {} changes nothing with --loss no (every FIN is delivered)", args.our_fin));
    if (args.linger_seconds < 0 || args.linger_seconds > 2147483) throw UsageError("--linger-seconds: 0..2147483");
    if (args.linger2_seconds < 0 || args.linger2_seconds > 120) throw UsageError("--linger2-seconds: 0..120 (the kernel caps it)");
    if (!(args.rto_min_ms > 0) || args.rto_min_ms > 120000) throw UsageError("--rto-min-ms: 0 < TCP_RTO_MIN <= 120000");
    if (args.rto_max_ms != 0 && !(args.rto_max_ms >= args.rto_min_ms && args.rto_max_ms <= 120000))
        throw UsageError("--rto-max-ms: --rto-min-ms <= it <= 120000");
    if (!(args.rtt_max_ms >= 0) || args.rtt_max_ms > 60000) throw UsageError("--rtt-max-ms: 0..60000");
    if (!(args.step_ms >= 0) || args.step_ms > 60000) throw UsageError("--step-ms: 0..60000");
    analysis::Clock clock;
    clock.instant = args.step_ms / 1000;
    clock.rto_min = args.rto_min_ms / 1000;
    clock.rtt_max = args.rtt_max_ms / 1000;
    std::string hz_text = "HZ any of 100/250/300/1000";
    if (args.hz == "host") {
        if (const std::optional<int> hz = conform::running_kernel_hz()) {
            clock.hz = {*hz};
            hz_text = fmt::format("HZ {} (this kernel's CONFIG_HZ)", *hz);
        } else {
            hz_text = "HZ any of 100/250/300/1000 (this kernel's CONFIG_HZ is not readable)";
        }
    } else if (args.hz != "any") {
        int hz = 0;
        const auto [end, err] = std::from_chars(args.hz.data(), args.hz.data() + args.hz.size(), hz);
        if (err != std::errc{} || end != args.hz.data() + args.hz.size() || hz < 24 || hz > 10000)
            throw UsageError(fmt::format("--hz: '{}' is not host, any or a tick rate 24..10000", args.hz));
        clock.hz = {hz};
        hz_text = fmt::format("HZ {}", hz);
    }
    if (args.rto_max_ms != 0) {
        clock.rto_lo = clock.rto_min;
        clock.rto_hi = args.rto_max_ms / 1000;
    }
    std::vector<analysis::CloseFrom> froms;
    if (args.from != "close-wait") froms.push_back(analysis::CloseFrom::established);
    if (args.from != "established") froms.push_back(analysis::CloseFrom::close_wait);
    if (args.from == "close-wait" &&
        std::none_of(spec.cases.begin(), spec.cases.end(), [](const checker::CaseConfig& c) { return c.peer.fin; }))
        throw UsageError("--from close-wait: close() in CLOSE_WAIT needs a peer that closes first: add --peer-fin yes");
    // TCP_RTO_MIN is the kernel's constant (HZ/5), also the base of tcp_model_timeout(): --rto-min-ms moves both,
    // as a kernel built with another one would. A route's rto_min or net.ipv4.tcp_rto_min_us raise the RTO only.
    const std::string rto_note =
        args.rto_min_ms == 200 ? ""
                               : fmt::format("note: --rto-min-ms {} reads a kernel whose TCP_RTO_MIN is {} ms: the retry kill's "
                                             "time (tcp_model_timeout) grows with it. A socket whose RTO a route's rto_min or "
                                             "net.ipv4.tcp_rto_min_us raised keeps the 200 ms base: that is outside this reading.",
                                             args.rto_min_ms, args.rto_min_ms);

    nlohmann::json rows = nlohmann::json::array();
    const bool text = args.json_path != "-" && args.svg_path != "-";
    std::vector<reports::LifetimeRow> chart;
    const std::string who = spec.sockets == 1 ? "one socket"
                                              : fmt::format("one socket of {} (the others share tcp_max_orphans and "
                                                            "tcp_max_tw_buckets with it)", spec.sockets);
    if (text)
        fmt::print("{} after close(), profile {}; delays: RTO {:.0f}-{:.0f} ms doubling ({}), timers late by the "
                   "timer wheel's rounding, segments within {:.0f} ms; retry kills by elapsed time (tcp_write_timeout)\n{}",
                   who, spec.profile, clock.rto_first_lo() * 1000, clock.rto_first_hi() * 1000, hz_text, clock.instant * 1000,
                   rto_note.empty() ? "" : rto_note + "\n");
    for (const checker::CaseConfig& c : spec.cases) {
        if (text) fmt::print("\n{}\n", c.describe());
        for (model::EventId e : c.close_events) {
            const model::CloseOpts o = model::close_opts_of(e);
            analysis::OptionSeconds sec{args.linger_seconds,
                                        args.linger2_seconds > 0                  ? args.linger2_seconds
                                        : o.linger2 == model::Linger2::short_ ? 30
                                        : o.linger2 == model::Linger2::long_  ? 90
                                                                              : 0};
            for (analysis::CloseFrom from : froms) {
                checker::CaseConfig one = c;
                one.close_events = {e};
                const std::string from_name = from == analysis::CloseFrom::established ? "ESTABLISHED" : "CLOSE_WAIT";
                analysis::Lifetime l;
                try {
                    l = analysis::lifetime({one, spec.sockets, from, sec, clock, never, {}});
                } catch (const std::invalid_argument&) {
                    continue;  // close() from CLOSE_WAIT needs a peer that closes
                }
                if (text)
                    fmt::print("  {:<46} from {:<11}  orphan {:<18} gone {:<18}{}\n", close_name(e), from_name,
                               analysis::describe(l.orphan), analysis::describe(l.gone),
                               l.why_unbounded.empty() ? "" : "  (" + l.why_unbounded + ")");
                if (text && args.explain) {
                    print_path("least", l.least_path);
                    print_path("most", l.most_path);
                }
                nlohmann::json row{{"case", c.describe()}, {"close", close_name(e)}, {"from", from_name},
                                   {"orphan_seconds", reports::interval_json(l.orphan)}, {"gone_seconds", reports::interval_json(l.gone)},
                                   {"always_gone", l.always_gone}, {"unbounded_because", l.why_unbounded}};
                if (args.explain) row["explain"] = {{"least", path_json(l.least_path)}, {"most", path_json(l.most_path)}};
                rows.push_back(std::move(row));
                reports::LifetimeRow bar{c.describe(), close_name(e) + " from " + from_name, l.orphan, l.gone,
                                         l.why_unbounded, reports::path_timers(l.least_path, false)};
                for (const auto& t : reports::path_timers(l.most_path, true)) bar.timers.push_back(t);
                chart.push_back(std::move(bar));
            }
        }
    }
    if (!args.json_path.empty()) {
        const nlohmann::json j = reports::enveloped("lifetime", {{"profile", spec.profile},
                                                                {"clock",
                                                                 {{"rto_first_seconds", {clock.rto_first_lo(), clock.rto_first_hi()}},
                                                                  {"hz", clock.hz},
                                                                  {"tcp_rto_min_seconds", clock.rto_min}}},
                                                                {"rows", rows}});
        reports::write_json(j, args.json_path);
    }
    if (!args.svg_path.empty()) {
        const std::string svg = reports::lifetime_svg(
            fmt::format("orphancheck lifetime, profile {}, {}: one socket after close()", spec.profile, hz_text), chart);
        if (args.svg_path == "-") std::cout << svg;
        else reports::write_file_atomically(args.svg_path, svg);
    }
    return 0;
}

}  // namespace orphancheck::cli
