#include "host_command.hpp"

#include <chrono>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <nlohmann/json.hpp>

#include "check_options.hpp"
#include "orphancheck/analysis/timed.hpp"
#include "orphancheck/checker/interrupt.hpp"
#include "orphancheck/host/summary.hpp"
#include "orphancheck/reports/interval_json.hpp"
#include "orphancheck/reports/json_envelope.hpp"
#include "orphancheck/reports/output_file.hpp"
#include "orphancheck/reports/report.hpp"

namespace orphancheck::cli {
namespace {

std::string left_text(const std::optional<analysis::Interval>& i) {
    if (!i) return "-";
    return analysis::describe(*i) + (i->hi ? "" : ", no bound");
}

// "retransmit timer in 0.19 s, 2 retransmissions, RTO 816 ms; "
std::string timer_text(const conform::DiagSocket& s) {
    static constexpr const char* kTimers[] = {"no timer", "retransmit timer", "keepalive timer", "timewait timer",
                                              "probe timer"};
    std::string t = s.timer < 5 ? kTimers[s.timer] : "timer " + std::to_string(s.timer);
    if (s.timer != 0) t += fmt::format(" in {:.2f} s", s.expires_ms / 1000.0);
    if (s.info && s.timer == 1) t += fmt::format(", {} retransmission{}, RTO {} ms", s.info->retransmits,
                                                 s.info->retransmits == 1 ? "" : "s", s.info->rto_us / 1000);
    if (s.info && s.timer == 4) t += fmt::format(", {} probe{} unanswered, backoff {}", s.info->probes,
                                                 s.info->probes == 1 ? "" : "s", s.info->backoff);
    return t + "; ";
}

std::string rows_text(const std::vector<model::RowId>& rows) {
    std::string s;
    for (model::RowId r : rows) s += (s.empty() ? "" : ", ") + std::string(model::row_name(r));
    return s;
}

std::string sysctls_text(const host::NamespaceSysctls& s) {
    return fmt::format("tcp_fin_timeout={} tcp_orphan_retries={} tcp_max_tw_buckets={} tcp_retries2={}", s.fin_timeout,
                       s.orphan_retries, s.max_tw_buckets, s.retries2);
}

host::HostReading read(const HostArgs& args) {
    std::vector<host::NamespaceReading> namespaces;
    std::vector<std::string> unreadable;
    try {
        if (args.netns.empty()) namespaces.push_back(host::read_current_namespace());
        for (const std::string& spec : args.netns) {
            if (spec == "all") {
                if (args.netns.size() != 1) throw UsageError("--netns all reads every namespace: give it alone");
                namespaces = host::read_all_namespaces(unreadable);
            } else {
                namespaces.push_back(host::read_namespace(spec));
            }
        }
        host::HostReading h = host::read_host(std::move(namespaces));
        h.unreadable = std::move(unreadable);
        return h;
    } catch (const host::HostError& e) {
        throw UsageError(e.what());
    } catch (const std::runtime_error& e) {
        throw UsageError(fmt::format("host: cannot read the host: {}", e.what()));
    }
}

void write_text(std::ostream& out, const host::HostReading& h, const std::vector<host::NamespaceStories>& all,
                const host::Summary& sum) {
    const std::string max = h.max_orphans ? std::to_string(*h.max_orphans) : "unknown here";
    const std::string mem = h.tcp_mem ? fmt::format("{} {} {}", (*h.tcp_mem)[0], (*h.tcp_mem)[1], (*h.tcp_mem)[2]) : "unknown here";
    fmt::print(out, "orphancheck {} host: tcp_orphan_count {} (every namespace), tcp_max_orphans {}, TCP memory {} pages "
                    "(tcp_mem {})\n",
               reports::kVersion, h.orphans, max, h.mem_pages, mem);
    for (const host::NamespaceStories& n : all) {
        fmt::print(out, "\nnamespace {}: {}\n", n.ns->name, sysctls_text(n.ns->sysctls));
        for (std::size_t i = 0; i < n.stories.size(); ++i) {
            const host::SocketStory& st = n.stories[i];
            if (st.kind == host::SocketKind::listener) continue;
            if (st.kind == host::SocketKind::open && (st.state == "ESTABLISHED" || st.state == "CLOSE_WAIT")) continue;
            fmt::print(out, "  {:<44} {:<11} {:<16} {}\n", host::address(n.ns->sockets[i]), st.state,
                       st.kind == host::SocketKind::orphan ? "orphan" : std::string(host::kind_name(st.kind)), st.cause);
            if (st.kind == host::SocketKind::orphan)
                fmt::print(out, "      {}orphan for {} more, gone in {}; model: {}\n", timer_text(n.ns->sockets[i]),
                           left_text(st.orphan_left), left_text(st.gone_left), st.model);
            else if (st.gone_left)
                fmt::print(out, "      gone in {}; model: {}\n", left_text(st.gone_left), st.model);
            else if (!st.model.empty())
                fmt::print(out, "      model: {}\n", st.model);
        }
    }
    fmt::print(out, "\nsummary\n");
    fmt::print(out, "  {} counted orphan{} in the namespace{} read", sum.counted, sum.counted == 1 ? "" : "s",
               all.size() == 1 ? "" : "s");
    if (sum.elsewhere > 0)
        fmt::print(out, "; the counter holds {} more: orphans in namespaces not read (the counter is global, the "
                        "sockets are per namespace; --netns all reads every one)", sum.elsewhere);
    fmt::print(out, "\n");
    if (!h.unreadable.empty()) {
        fmt::print(out, "  namespaces that could not be read: {} (their orphans are among those not read)\n", h.unreadable.size());
        for (const std::string& why : h.unreadable) fmt::print(out, "    {}\n", why);
    }
    for (const auto& [key, count] : sum.by_state_cause) fmt::print(out, "    {:>5}  {}: {}\n", count, key.first, key.second);
    fmt::print(out, "  timewait buckets (not orphans): {} TIME_WAIT, {} FIN_WAIT2\n", sum.tw_buckets, sum.fin_wait2_buckets);
    if (sum.open_closing) fmt::print(out, "  closing with their file open (not counted): {}\n", sum.open_closing);
    if (sum.outside) fmt::print(out, "  outside the model (listeners' children, handshakes): {}\n", sum.outside);
    fmt::print(out, "  tcp_check_oom now: {}\n", sum.oom_why);
    if (sum.unbounded) fmt::print(out, "  the last current orphan: no upper bound (a peer that answers every probe)\n");
    else if (sum.last_gone_latest)
        fmt::print(out, "  the last current orphan stops being one within {:.2f} s at the latest\n", *sum.last_gone_latest);
}

nlohmann::json to_json(const host::HostReading& h, const std::vector<host::NamespaceStories>& all, const host::Summary& sum) {
    nlohmann::json namespaces = nlohmann::json::array();
    for (const host::NamespaceStories& n : all) {
        nlohmann::json sockets = nlohmann::json::array();
        for (std::size_t i = 0; i < n.stories.size(); ++i) {
            const host::SocketStory& st = n.stories[i];
            const auto& s = n.ns->sockets[i];
            nlohmann::json rows = nlohmann::json::array();
            for (model::RowId r : st.next_rows) rows.push_back(model::row_name(r));
            nlohmann::json j{{"address", host::address(s)}, {"state", st.state}, {"kind", host::kind_name(st.kind)},
                             {"counted", st.counted}, {"cause", st.cause}, {"model", st.model}, {"next_rows", rows},
                             {"next", st.next}, {"timer", s.timer}, {"expires_ms", s.expires_ms},
                             {"retransmits", s.info ? s.info->retransmits : s.retransmits}};
            if (s.info) j["probes"] = s.info->probes, j["backoff"] = s.info->backoff, j["rto_us"] = s.info->rto_us;
            j["orphan_left"] = st.orphan_left ? reports::interval_json(*st.orphan_left) : nlohmann::json(nullptr);
            j["gone_left"] = st.gone_left ? reports::interval_json(*st.gone_left) : nlohmann::json(nullptr);
            sockets.push_back(j);
        }
        const auto& sc = n.ns->sysctls;
        namespaces.push_back({{"name", n.ns->name},
                              {"sysctls", {{"tcp_fin_timeout", sc.fin_timeout}, {"tcp_orphan_retries", sc.orphan_retries},
                                           {"tcp_max_tw_buckets", sc.max_tw_buckets}, {"tcp_retries2", sc.retries2}}},
                              {"sockets", sockets}});
    }
    nlohmann::json causes = nlohmann::json::array();
    for (const auto& [key, count] : sum.by_state_cause) causes.push_back({{"state", key.first}, {"cause", key.second}, {"count", count}});
    return reports::enveloped("host", {
            {"tcp_orphan_count", h.orphans},
            {"tcp_max_orphans", h.max_orphans ? nlohmann::json(*h.max_orphans) : nlohmann::json(nullptr)},
            {"tcp_memory_pages", h.mem_pages},
            {"tcp_mem", h.tcp_mem ? nlohmann::json(*h.tcp_mem) : nlohmann::json(nullptr)},
            {"namespaces", namespaces},
            {"unreadable_namespaces", h.unreadable},
            {"summary",
             {{"counted_orphans", sum.counted},
              {"orphans_elsewhere", sum.elsewhere},
              {"by_state_and_cause", causes},
              {"timewait_buckets", {{"TIME_WAIT", sum.tw_buckets}, {"FIN_WAIT2", sum.fin_wait2_buckets}}},
              {"closing_with_file_open", sum.open_closing},
              {"outside_model", sum.outside},
              {"check_oom_now", sum.oom_now},
              {"check_oom", sum.oom_why},
              {"last_orphan_gone_within_seconds",
               sum.last_gone_latest ? nlohmann::json(*sum.last_gone_latest) : nlohmann::json(nullptr)}}}});
}

// --watch: one line per change; each socket that goes is checked against the window predicted when it was
// first seen. The first reading is the report's (`first`, read at `start`), so a socket that goes while the report
// is written is still seen going. Returns the number of deaths outside their window.
int watch(const HostArgs& args, std::ostream& out, std::chrono::steady_clock::time_point start,
          const std::vector<host::NamespaceStories>& first) {
    using clock = std::chrono::steady_clock;
    const auto now = [&] { return std::chrono::duration<double>(clock::now() - start).count(); };
    struct Seen {
        std::string what;
        double first = 0;
        std::optional<analysis::Interval> gone;  // predicted when first seen, from `first`
        bool orphan = false;                     // a counted orphan when last read
        std::optional<analysis::Interval> orphan_left;  // predicted when first seen, from `first`
    };
    // Whether an event seen between `least` and `most` seconds after the first reading falls in `window`.
    const auto inside = [](const std::optional<analysis::Interval>& window, double least, double most) {
        return !window || (most >= window->lo - 0.05 && (!window->hi || least <= *window->hi + 0.05));
    };
    const auto verdict = [](bool in) {
        return in ? "(inside)" : "OUTSIDE THE PREDICTED WINDOW: the model or the reading is wrong";
    };
    std::map<std::pair<std::string, std::uint64_t>, Seen> seen;
    int outside = 0;
    double previous = 0;
    // One reading, made `t` seconds after the first.
    const auto observe = [&](double t, const std::vector<host::NamespaceStories>& all) {
        std::set<std::pair<std::string, std::uint64_t>> present;
        for (const auto& n : all)
            for (std::size_t i = 0; i < n.stories.size(); ++i) {
                const auto& st = n.stories[i];
                if (st.kind != host::SocketKind::orphan && st.kind != host::SocketKind::timewait_bucket) continue;
                const auto key = std::pair{n.ns->name, n.ns->sockets[i].cookie};
                present.insert(key);
                if (const auto it = seen.find(key); it != seen.end()) {
                    // An orphan handed to a timewait bucket (FIN_WAIT2 above 60 s): no longer counted, the same socket.
                    Seen& s = it->second;
                    if (s.orphan && st.kind == host::SocketKind::timewait_bucket) {
                        const double least = previous - s.first, most = t - s.first;
                        const bool in = inside(s.orphan_left, least, most);
                        outside += in ? 0 : 1;
                        fmt::print(out, "{:8.2f} s  bucket {}: no longer an orphan after {:.2f}-{:.2f} s, predicted {} {}\n", t,
                                   s.what, least, most, left_text(s.orphan_left), verdict(in));
                        s.orphan = false;
                    }
                    continue;
                }
                const Seen s{fmt::format("{} {} {}", host::address(n.ns->sockets[i]), st.state, host::kind_name(st.kind)), t,
                             st.gone_left, st.kind == host::SocketKind::orphan, st.orphan_left};
                fmt::print(out, "{:8.2f} s  seen  {}: {}, gone in {}\n", t, s.what, st.cause, left_text(st.gone_left));
                seen.emplace(key, s);
            }
        for (auto it = seen.begin(); it != seen.end();) {
            if (present.count(it->first)) {
                ++it;
                continue;
            }
            // Gone between the previous reading and this one: after `least` to `most` seconds.
            const Seen& s = it->second;
            const double least = previous - s.first, most = t - s.first;
            const bool in = inside(s.gone, least, most);
            outside += in ? 0 : 1;
            fmt::print(out, "{:8.2f} s  gone  {}: after {:.2f}-{:.2f} s, predicted {} {}\n", t, s.what, least, most,
                       left_text(s.gone), verdict(in));
            it = seen.erase(it);
        }
        out.flush();
        previous = t;
    };
    observe(0, first);
    while (checker::interrupt_signal() == 0 && previous < args.watch) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        const double t = now();
        const host::HostReading h = read(args);
        observe(t, host::tell_all(h, host::host_facts(h)));
    }
    fmt::print(out, "watched {:.1f} s: {} still there, {} death{} outside the predicted window\n", now(), seen.size(),
               outside, outside == 1 ? "" : "s");
    return outside;
}

}  // namespace

int run_host(const HostArgs& args) {
    if (!(args.watch >= 0) || args.watch > 86400) throw UsageError("--watch: 0..86400 seconds");
    if (!args.json_path.empty()) reports::check_output("--json", args.json_path, {"JSON"});
    if (!args.json_path.empty() && args.watch > 0) throw UsageError("--watch writes lines as things change: not with --json");
    const auto read_at = std::chrono::steady_clock::now();
    const host::HostReading h = read(args);
    const host::HostFacts facts = host::host_facts(h);
    const auto all = host::tell_all(h, facts);
    const host::Summary sum = host::summarize(h, facts, all);
    if (!args.explain.empty()) {
        // Every socket with that address and port at either end, listeners only when nothing else matches.
        int shown = 0;
        for (const bool listeners : {false, true})
            for (const auto& n : all)
                for (std::size_t i = 0; i < n.stories.size() && !(listeners && shown); ++i) {
                    const std::string a = host::address(n.ns->sockets[i]);
                    const auto& st = n.stories[i];
                    if ((st.kind == host::SocketKind::listener) != listeners) continue;
                    if (a.substr(0, a.find(' ')) != args.explain && a.substr(a.rfind(' ') + 1) != args.explain) continue;
                    if (shown++) fmt::print(std::cout, "\n");
                    fmt::print(std::cout, "{} in namespace {}: {} {}\n  why it is there: {}\n  now: {}{}\n", a,
                               n.ns->name, st.state, host::kind_name(st.kind), st.cause.empty() ? "-" : st.cause,
                               timer_text(n.ns->sockets[i]), st.model);
                    if (st.local) {
                        const auto path = host::model_path(host::sysctl_config(n.ns->sysctls, facts.max_orphans), *st.local);
                        if (!path.empty()) fmt::print(std::cout, "  how the model gets there:\n");
                        for (const std::string& step : path) fmt::print(std::cout, "    {}\n", step);
                    }
                    fmt::print(std::cout, "  next: {}\n  rows that can fire: {}\n  orphan for {} more, gone in {}\n",
                               st.next.empty() ? "-" : st.next, rows_text(st.next_rows).empty() ? "-" : rows_text(st.next_rows),
                               left_text(st.orphan_left), left_text(st.gone_left));
                }
        if (shown == 0)
            throw UsageError(fmt::format("--explain {}: no TCP socket with that address and port in the namespaces read", args.explain));
        return 0;
    }
    if (!args.json_path.empty()) reports::write_json(to_json(h, all, sum), args.json_path);
    if (args.json_path != "-") write_text(std::cout, h, all, sum);
    if (args.watch > 0) {
        fmt::print(std::cout, "\nwatching for {:.1f} s (Ctrl-C stops)\n", args.watch);
        return watch(args, std::cout, read_at, all) == 0 ? 0 : 1;
    }
    return 0;
}

}  // namespace orphancheck::cli
