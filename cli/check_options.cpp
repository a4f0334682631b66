#include "check_options.hpp"
#include "ranks.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "orphancheck/checker/explorer.hpp"

namespace orphancheck::cli {
namespace {
using model::Linger;
using model::Linger2;

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = s.find(',', start);
        std::string item = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        while (!item.empty() && item.front() == ' ') item.erase(item.begin());
        while (!item.empty() && item.back() == ' ') item.pop_back();
        out.push_back(item);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

long long parse_int(const std::string& opt, const std::string& v, long long lo, long long hi) {
    if (const std::string why = integer_problem(v, lo, hi); !why.empty())
        throw UsageError(fmt::format("--{}: {}", opt, why));
    return std::stoll(v);
}

double parse_seconds(const std::string& opt, const std::string& v) {
    const bool plain = !v.empty() && v.find_first_not_of("0123456789.") == std::string::npos;
    try {
        if (!plain) throw std::invalid_argument(v);
        std::size_t used = 0;
        const double x = std::stod(v, &used);
        if (used != v.size() || !(x >= 0) || x > 1e7) throw std::invalid_argument(v);
        return x;
    } catch (const std::exception&) {
        throw UsageError(fmt::format("--{}: '{}' is not a number of seconds >= 0", opt, v));
    }
}

// Bytes with an optional K/M/G suffix (powers of 1024); 0 means no limit.
std::uint64_t parse_size(const std::string& opt, const std::string& v) {
    std::string digits = v;
    std::uint64_t unit = 1;
    if (!digits.empty()) {
        switch (digits.back()) {
            case 'K': case 'k': unit = 1ull << 10; break;
            case 'M': case 'm': unit = 1ull << 20; break;
            case 'G': case 'g': unit = 1ull << 30; break;
            default: break;
        }
        if (unit != 1) digits.pop_back();
    }
    const auto n = std::uint64_t(parse_int(opt, digits, 0, (1LL << 40) / std::int64_t(unit)));
    const std::uint64_t bytes = n * unit;
    if (bytes != 0 && bytes < checker::kMinMemoryLimit)
        throw UsageError(fmt::format("--{}: {} is below the {} MiB a run needs to start", opt, v,
                                     checker::kMinMemoryLimit >> 20));
    return bytes;
}

// MemAvailable of /proc/meminfo in bytes; 0 when it cannot be read.
std::uint64_t mem_available_bytes() {
    std::ifstream f("/proc/meminfo");
    std::string key, unit;
    std::uint64_t kib = 0;
    while (f >> key >> kib >> unit)
        if (key == "MemAvailable:") return kib << 10;
    return 0;
}

// A comma list of integers, or `all` standing for `all_values`.
std::vector<int> int_list(const std::string& opt, const std::string& v, long long lo, long long hi,
                          const std::vector<int>& all_values) {
    if (v == "all") return all_values;
    std::vector<int> out;
    for (const auto& item : split(v)) {
        const int x = int(parse_int(opt, item, lo, hi));
        if (std::find(out.begin(), out.end(), x) == out.end()) out.push_back(x);
    }
    return out;
}

// A comma list of words from `choices` (name -> value), or `all`.
template <class T>
std::vector<T> word_list(const std::string& opt, const std::string& v,
                         const std::vector<std::pair<std::string, T>>& choices) {
    std::vector<T> out;
    auto add = [&out](T x) {
        if (std::find(out.begin(), out.end(), x) == out.end()) out.push_back(x);
    };
    if (v == "all") {
        for (const auto& c : choices) add(c.second);
        return out;
    }
    for (const auto& item : split(v)) {
        bool ok = false;
        for (const auto& c : choices)
            if (c.first == item) {
                add(c.second);
                ok = true;
            }
        if (!ok) {
            std::string names;
            for (const auto& c : choices) {
                if (!names.empty()) names += ", ";
                names += c.first;
            }
            throw UsageError(fmt::format("--{}: unknown value '{}' (expected {} or all)", opt, item, names));
        }
    }
    return out;
}

bool yes_no(const std::string& opt, const std::string& v) {
    const auto l = word_list<bool>(opt, v, {{"yes", true}, {"no", false}, {"true", true}, {"false", false}});
    if (l.size() != 1) throw UsageError(fmt::format("--{}: expected yes or no", opt));
    return l[0];
}
}  // namespace

std::string one_line(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '\n') out += "\\n";
        else if (c == '\t') out += "\\t";
        else if (u < 0x20 || u == 0x7f) out += fmt::format("\\x{:02x}", u);
        else out += c;
    }
    return out;
}

std::string integer_problem(const std::string& v, long long lo, long long hi) {
    if (v.empty()) return "empty value";
    long long x = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
    if (ec == std::errc::result_out_of_range && end == v.data() + v.size())
        return fmt::format("{} is out of range {}..{}", v, lo, hi);
    if (ec != std::errc() || end != v.data() + v.size()) return fmt::format("'{}' is not an integer", v);
    if (x < lo || x > hi) return fmt::format("{} is out of range {}..{}", v, lo, hi);
    return "";
}

std::string decimal_problem(const std::string& v, double lo, double hi) {
    if (v.empty()) return "empty value";
    const std::string_view digits = std::string_view(v).substr(v.starts_with('-') ? 1 : 0);
    double x = 0;
    const bool plain = digits.find_first_not_of("0123456789.") == std::string_view::npos &&
                       std::count(digits.begin(), digits.end(), '.') <= 1 &&
                       digits.find_first_of("0123456789") != std::string_view::npos;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
    if (!plain || ec != std::errc() || end != v.data() + v.size()) return fmt::format("'{}' is not a number", v);
    if (!(x >= lo && x <= hi)) return fmt::format("{} is out of range {}..{}", v, lo, hi);
    return "";
}

const std::vector<OptionInfo>& check_options() {
    static const std::vector<OptionInfo> kOpts = {
        {"profile", "linux-6.12", "kernel profile: linux-5.15, linux-6.12, linux-6.18 (see 'orphancheck profiles')", "linux-5.15 linux-6.12 linux-6.18"},
        {"sockets", "2", "number of open sockets closing concurrently (1..14; 0 with --listener yes or --connecting; with a listener they stand for connections accepted before it closed)"},
        {"listener", "no", "a listening socket closes too: yes (with --accept-queue children never accepted and --syn-queue request sockets; its close() runs inet_csk_listen_stop), no", "no yes"},
        {"accept-queue", "0", "with --listener yes: ESTABLISHED children in the accept queue, never accepted (0..13)"},
        {"syn-queue", "0", "with --listener yes: request sockets (NEW_SYN_RECV) whose final ACK is on its way (0..13)"},
        {"connecting", "0", "sockets whose connect() is in progress (SYN_SENT: our SYN out, the server's SYN-ACK on its way): each may be closed there, refused, time out or become an open connection (0..14)"},
        {"syn-retries", "6", "net.ipv4.tcp_syn_retries 0..255: SYN retransmissions of a connecting socket; only with --connecting; comma list or all (1,6)", "1 6 all"},
        {"synack-retries", "5", "net.ipv4.tcp_synack_retries 0..255: SYN-ACK retransmissions of a request socket; only with --syn-queue; comma list or all (1,5)", "1 5 all"},
        {"linger", "all", "SO_LINGER of each socket: off, 0, timeout (comma list or all)", "off 0 timeout all"},
        {"linger2", "sysctl", "TCP_LINGER2 of each socket: sysctl (0), -1, short (<=60 s), long (>60 s), comma list or all", "sysctl -1 short long all"},
        {"unread", "all", "unread data in the receive queue at close(): no, yes", "no yes all"},
        {"peer-window", "open", "the peer's receive window at close(): open, or closes (it stopped reading: our data and FIN wait behind a zero window, the probe timer runs); comma list or all", "open closes all"},
        {"send-queue", "empty", "sent data the peer has not acked at close() (window open): empty, or unacked (our FIN goes out behind it; an ACK of the data alone restarts the FIN's retry budget); unsent data behind a closed window is --peer-window closes; comma list or all", "empty unacked all"},
        {"shutdown", "no", "shutdown(SHUT_WR) before close(), per socket: no (close() only), wr (shutdown first: our FIN goes out with the file still open, not an orphan, and close() comes later from whichever state the socket reached); comma list or all", "no wr all"},
        {"fin-timeout", "60,120", "net.ipv4.tcp_fin_timeout in seconds (<=60 and >60 differ), comma list or all", "60 120 all"},
        {"orphan-retries", "1", "net.ipv4.tcp_orphan_retries 0..255 (0 means 8), comma list or all (0,1,2)", "0 1 2 all"},
        {"tcp-retries2", "15", "net.ipv4.tcp_retries2 0..15: the zero-window probe backoff stops growing there (<= 9: RTO_MAX is never reached, an answered orphan probes forever) and it is the probe budget of a socket whose close() waits; only with --peer-window closes; comma list or all (9,15)", "9 15 all"},
        {"user-timeout", "0", "TCP_USER_TIMEOUT of every socket in ms, 0..28800000 (0: unset); when set it alone decides when an unacked FIN is given up (it replaces tcp_orphan_retries, and may lengthen the orphan's life); not with --peer-window closes; comma list or all (0,1000,3000)", "0 1000 3000 all"},
        {"max-orphans", "1", "net.ipv4.tcp_max_orphans, comma list or all (0..sockets)", "0 1 all"},
        {"max-tw-buckets", "1", "net.ipv4.tcp_max_tw_buckets, comma list or all (0..sockets)", "0 1 all"},
        {"memory-pressure", "no", "tcp_out_of_memory() true for every closing socket (an over-approximation: the kernel also needs queued data): no, yes or all", "no yes all"},
        {"fin-alloc-fail", "no", "the system may be short of atomic memory at close(): tcp_send_fin's skb allocation fails, no FIN is queued and no timer armed (errata O7, read from the kernel code, not confirmed on a live kernel; the socket's queue is empty, so --memory-pressure does not see it): no, yes", "no yes"},
        {"loss-probe", "no", "tail-loss probes (tcp_early_retrans 3 or 4 with SACK, the kernel's default) as moves of their own: yes (before the first RTO expiry the FIN is sent again, no retransmission counted, and the RTO runs from it; errata O4), no (not a move: the timed reading allows for one before the first expiry)", "no yes"},
        {"peer-fin", "yes", "the peer may close its side (FIN)", "yes no"},
        {"peer-rst", "yes", "the peer may abort (RST)", "yes no"},
        {"peer-data", "yes", "the peer may send data after our close()", "yes no"},
        {"loss", "yes", "any segment in flight may be lost", "yes no"},
        {"abort", "no", "an administrator may run tcp_abort (ss -K) on any socket at any time: no, yes", "no yes"},
        {"symmetry", "yes", "symmetry reduction: store one state per permutation of the sockets (they share every configuration choice): yes, no", "yes no"},
        {"por", "auto", "partial-order reduction (safety properties only): auto (on unless eventually-destroyed is decided on the whole state graph), yes, no", "auto yes no"},
        {"liveness", "auto", "how eventually-destroyed is decided: global (weakly fair cycles searched in the whole state graph), compositional (each socket alone, where no socket can see another: the orphan and timewait limits out of reach, no listener; see the README), auto (compositional where that holds, else global)", "auto global compositional"},
        {"threads", "all", "threads of the breadth-first search: 1..256 or all (every core); counts do not depend on it, the counterexample shown may", "all 1 2"},
        {"store", "full", "visited-state store: full (exact), compact (64-bit fingerprints, TLC-style), bitstate (hash bits, SPIN-style; no liveness pass)", "full compact bitstate"},
        {"bitstate-size", "256M", "size of the bit array of --store bitstate (e.g. 64M, 1G)"},
        {"max-states", "0", "stop (verdict incomplete) after this many states; 0 = no limit"},
        {"time-limit", "0", "stop (verdict incomplete) after this many seconds; 0 = no limit"},
        {"memory-limit", "auto", "stop (verdict incomplete) before the state store outgrows this (e.g. 512M, 4G); auto = 80 % of the memory available when the run starts (MemAvailable), so a run never meets the OOM killer; 0 = no limit", "auto 0"},
        {"engine", "table", "table (extracted from the MSM machine) or msm (MSM machines in the loop)", "table msm"},
    };
    return kOpts;
}

namespace {
// --listener, --accept-queue, --syn-queue, --connecting: the roles of the run's sockets (spec.sockets becomes all
// of them).
void read_roles(const OptionValues& given, OptionValues& v, checker::ExploreSpec& spec) {
    const bool listener = yes_no("listener", v["listener"]);
    const int children = int(parse_int("accept-queue", v["accept-queue"], 0, checker::kMaxSockets - 1));
    const int requests = int(parse_int("syn-queue", v["syn-queue"], 0, checker::kMaxSockets - 1));
    const int connecting = int(parse_int("connecting", v["connecting"], 0, checker::kMaxSockets));
    if (!listener)
        for (const char* o : {"accept-queue", "syn-queue"})
            if (given.count(o) && v[o] != "0")
                throw UsageError(fmt::format("--{} needs --listener yes (a queue of a listening socket)", o));
    if (!listener && connecting == 0) {
        if (spec.sockets == 0) throw UsageError("--sockets 0 needs --listener yes or --connecting: sockets must be 1..14");
        return;
    }
    const int total = spec.sockets + (listener ? 1 + children + requests : 0) + connecting;
    if (total > checker::kMaxSockets)
        throw UsageError(fmt::format("{} open socket{}{}{} need {} sockets; the state encoding holds at most {}",
                                     spec.sockets, spec.sockets == 1 ? "" : "s",
                                     listener ? fmt::format(", a listener with {} queued child{} and {} request socket{}",
                                                            children, children == 1 ? "" : "ren", requests,
                                                            requests == 1 ? "" : "s")
                                              : "",
                                     connecting ? fmt::format(" and {} connecting", connecting) : "", total,
                                     checker::kMaxSockets));
    if (yes_no("abort", v["abort"]))
        throw UsageError(fmt::format("--abort yes with {}: tcp_abort on a listener, its queued children, request "
                                     "sockets and connecting sockets is not modelled",
                                     listener ? "--listener yes" : "--connecting"));
    spec.roles.assign(std::size_t(spec.sockets), model::SlotRole::socket);
    if (listener) {
        spec.roles.push_back(model::SlotRole::listener);
        spec.roles.insert(spec.roles.end(), std::size_t(children), model::SlotRole::child);
        spec.roles.insert(spec.roles.end(), std::size_t(requests), model::SlotRole::request);
    }
    spec.roles.insert(spec.roles.end(), std::size_t(connecting), model::SlotRole::connecting);
    spec.sockets = total;
}
}  // namespace

checker::ExploreSpec build_spec(const OptionValues& given, const std::vector<std::string>& props) {
    OptionValues v;
    for (const auto& o : check_options()) v[o.name] = o.default_value;
    for (const auto& [k, val] : given) {
        if (!v.count(k)) throw UsageError(fmt::format("unknown option '{}'", k));
        v[k] = val;
    }
    checker::ExploreSpec spec;
    spec.sockets = int(parse_int("sockets", v["sockets"], 0, checker::kMaxSockets));
    read_roles(given, v, spec);
    spec.max_states = std::uint64_t(parse_int("max-states", v["max-states"], 0, 4'000'000'000LL));
    spec.time_limit_seconds = parse_seconds("time-limit", v["time-limit"]);
    if (v["memory-limit"] == "auto") {
        if (const std::uint64_t available = mem_available_bytes()) {
            spec.memory_available_bytes = available;
            spec.memory_limit_bytes = std::max<std::uint64_t>(available / 100 * checker::kAutoMemoryLimitPercent,
                                                              checker::kMinMemoryLimit);
        }
    } else {
        spec.memory_limit_bytes = parse_size("memory-limit", v["memory-limit"]);
    }
    spec.engine = word_list<checker::Engine>("engine", v["engine"],
                                             {{"table", checker::Engine::table}, {"msm", checker::Engine::msm}})[0];
    if (split(v["engine"]).size() != 1 || v["engine"] == "all") throw UsageError("--engine: choose one of table, msm");

    const auto lingers = word_list<Linger>("linger", v["linger"],
                                           {{"off", Linger::off}, {"0", Linger::zero}, {"timeout", Linger::timeout}});
    const auto linger2s = word_list<Linger2>(
        "linger2", v["linger2"],
        {{"sysctl", Linger2::sysctl}, {"0", Linger2::sysctl}, {"-1", Linger2::negative}, {"short", Linger2::short_},
         {"long", Linger2::long_}});
    const auto unreads = word_list<bool>("unread", v["unread"], {{"no", false}, {"yes", true}});
    const auto windows = word_list<bool>("peer-window", v["peer-window"], {{"open", false}, {"closes", true}});
    const auto shutdowns = word_list<bool>("shutdown", v["shutdown"], {{"no", false}, {"wr", true}});
    if (split(v["send-queue"]) == std::vector<std::string>{"unsent"})
        throw UsageError("--send-queue unsent: unsent data waits only behind a closed window here: --peer-window closes");
    const auto queues = word_list<bool>("send-queue", v["send-queue"], {{"empty", false}, {"unacked", true}});
    if (std::find(windows.begin(), windows.end(), false) == windows.end() && queues != std::vector<bool>{false})
        throw UsageError("--send-queue changes nothing with --peer-window closes only (the FIN waits behind the "
                         "unsent data)");
    std::vector<model::EventId> closes;
    for (Linger l : lingers)
        for (Linger2 l2 : linger2s)
            for (bool u : unreads)
                for (bool w : windows) {
                    if (w) {  // behind a closed window whatever was sent waits with the FIN: one variant
                        closes.push_back(model::close_event({l, l2, u, true, false}));
                        continue;
                    }
                    for (bool q : queues) closes.push_back(model::close_event({l, l2, u, false, q}));
                }

    checker::PeerConfig peer;
    peer.fin = yes_no("peer-fin", v["peer-fin"]);
    peer.rst = yes_no("peer-rst", v["peer-rst"]);
    peer.data = yes_no("peer-data", v["peer-data"]);
    peer.loss = yes_no("loss", v["loss"]);
    peer.abort = yes_no("abort", v["abort"]);
    spec.symmetry = yes_no("symmetry", v["symmetry"]);
    spec.threads = v["threads"] == "all" ? int(std::clamp(std::thread::hardware_concurrency(), 1u, 256u))
                                         : int(parse_int("threads", v["threads"], 1, 256));
    if (checker::Cluster* ranks = run_cluster()) {
        // One thread per rank (mpirun places the ranks on the cores); the memory limit is the whole run's.
        if (v["threads"] != "all" && spec.threads > 1)
            throw UsageError(fmt::format("--threads {} with {} mpirun ranks: a rank runs one thread (start more ranks "
                                         "instead, or leave --threads out)",
                                         v["threads"], ranks->size()));
        spec.threads = 1;
        spec.cluster = ranks;
        if (spec.memory_limit_bytes) {
            const std::uint64_t each = spec.memory_limit_bytes / std::uint64_t(ranks->size());
            if (each < checker::kMinMemoryLimit)
                throw UsageError(fmt::format("--memory-limit {} split across {} ranks leaves {} MiB each; a rank needs "
                                             "at least {} MiB (fewer ranks or a larger limit)",
                                             v["memory-limit"], ranks->size(), each >> 20,
                                             checker::kMinMemoryLimit >> 20));
            spec.memory_limit_bytes = each;
        }
    }
    spec.store = word_list<checker::StoreKind>("store", v["store"],
                                               {{"full", checker::StoreKind::full},
                                                {"compact", checker::StoreKind::compact},
                                                {"bitstate", checker::StoreKind::bitstate}})[0];
    if (split(v["store"]).size() != 1 || v["store"] == "all")
        throw UsageError("--store: choose one of full, compact, bitstate");
    spec.bitstate_bytes = parse_size("bitstate-size", v["bitstate-size"]);
    if (spec.bitstate_bytes == 0 || spec.bitstate_bytes > (1ull << 40))
        throw UsageError(fmt::format("--bitstate-size: {} is out of range 16M..1024G", v["bitstate-size"]));
    if (spec.store == checker::StoreKind::bitstate && spec.memory_limit_bytes &&
        spec.bitstate_bytes >= spec.memory_limit_bytes)
        throw UsageError(fmt::format("--memory-limit {} leaves no room beside the bit array (--bitstate-size {})",
                                     v["memory-limit"], v["bitstate-size"]));
    const model::KernelProfile* profile = model::find_profile(v["profile"]);
    if (!profile) {
        std::string names;
        for (const auto& p : model::kernel_profiles()) names += (names.empty() ? "" : ", ") + std::string(p.name);
        throw UsageError(fmt::format("--profile: unknown kernel profile '{}' (known: {})", v["profile"], names));
    }
    spec.profile = std::string(profile->name);

    const auto fins = int_list("fin-timeout", v["fin-timeout"], 0, 86400, {60, 120});
    const auto retries = int_list("orphan-retries", v["orphan-retries"], 0, 255, {0, 1, 2});
    const auto synack_retries = int_list("synack-retries", v["synack-retries"], 0, 255, {1, 5});
    const auto syn_retries = int_list("syn-retries", v["syn-retries"], 0, 255, {1, 6});
    const bool connecting = std::find(spec.roles.begin(), spec.roles.end(), model::SlotRole::connecting) != spec.roles.end();
    if (!connecting && syn_retries != std::vector<int>{model::SysctlConfig{}.syn_retries})
        throw UsageError("--syn-retries changes nothing here: only connecting sockets read it (--connecting 1 or more)");
    const bool requests = std::find(spec.roles.begin(), spec.roles.end(), model::SlotRole::request) != spec.roles.end();
    if (!requests && synack_retries != std::vector<int>{model::SysctlConfig{}.synack_retries})
        throw UsageError("--synack-retries changes nothing here: only request sockets read it (--listener yes "
                         "--syn-queue 1 or more)");
    const auto retries2s = int_list("tcp-retries2", v["tcp-retries2"], 0, model::SockData::kMaxBackoff, {9, 15});
    const bool zero_window = std::find(windows.begin(), windows.end(), true) != windows.end();
    if (!zero_window && retries2s != std::vector<int>{model::SysctlConfig{}.retries2})
        throw UsageError("--tcp-retries2 changes nothing here: it only matters with --peer-window closes "
                         "(the zero-window probe timer)");
    const auto user_timeouts = int_list("user-timeout", v["user-timeout"], 0, 28'800'000, {0, 1000, 3000});
    if (zero_window && std::any_of(user_timeouts.begin(), user_timeouts.end(), [](int t) { return t != 0; }))
        throw UsageError("--user-timeout with --peer-window closes: the probe timer's TCP_USER_TIMEOUT rule is not "
                         "in the model yet");
    const int n = spec.sockets;
    std::vector<int> upto_n;
    for (int i = 0; i <= n; ++i) upto_n.push_back(i);
    const auto max_orphans = int_list("max-orphans", v["max-orphans"], 0, 1 << 30, upto_n);
    const auto max_tw = int_list("max-tw-buckets", v["max-tw-buckets"], 0, 1 << 30, upto_n);
    const auto pressures = word_list<bool>("memory-pressure", v["memory-pressure"], {{"no", false}, {"yes", true}});
    const bool fin_alloc_fail = yes_no("fin-alloc-fail", v["fin-alloc-fail"]);
    const bool loss_probe = yes_no("loss-probe", v["loss-probe"]);
    if (loss_probe && zero_window && windows.size() == 1)
        throw UsageError("--loss-probe yes changes nothing with --peer-window closes only (the FIN waits behind the "
                         "zero window, nothing is in flight to probe for)");
    if (fin_alloc_fail && zero_window && windows.size() == 1)
        throw UsageError("--fin-alloc-fail yes changes nothing with --peer-window closes only (the FIN joins the "
                         "unsent data, nothing is allocated)");
    for (int sa : synack_retries)
    for (int sr : syn_retries)
    for (int f : fins)
        for (int r : retries)
          for (int r2 : retries2s)
           for (int ut : user_timeouts)
            for (int mo : max_orphans)
                for (int tw : max_tw)
                    for (bool mp : pressures) {
                        checker::CaseConfig c;
                        // Limits above the socket count are never reached: one value stands for all of them,
                        // one no cached count (at most 255) and no bucket count (at most n) can reach, so
                        // that the guard inputs show they never matter.
                        c.sysctl = {f, r, mo > n ? 255 : mo, tw > n ? n + 1 : tw, mp, profile->options, r2, ut, fin_alloc_fail,
                                   loss_probe, sa, sr};
                        if (mo > n) c.given_max_orphans = mo;
                        if (tw > n) c.given_max_tw_buckets = tw;
                        c.peer = peer;
                        c.close_events = closes;
                        c.shutdown_first = std::find(shutdowns.begin(), shutdowns.end(), true) != shutdowns.end();
                        c.close_first = std::find(shutdowns.begin(), shutdowns.end(), false) != shutdowns.end();
                        bool dup = false;
                        for (const auto& o : spec.cases) dup = dup || o.sysctl == c.sysctl;
                        if (!dup) spec.cases.push_back(c);
                    }
    if (spec.cases.size() > 255) throw UsageError("too many configuration combinations (more than 255)");

    if (!props.empty()) {
        spec.properties = 0;
        for (const auto& p : props) {
            if (p == "safety") {  // every property but the liveness one
                for (properties::PropertyId id : properties::all_properties())
                    if (properties::info(id).kind != properties::PropertyKind::liveness) spec.properties |= properties::bit(id);
                continue;
            }
            const auto id = properties::property_from_name(p);
            if (!id) throw UsageError(fmt::format("--property: unknown property '{}' (see 'orphancheck properties')", p));
            spec.properties |= properties::bit(*id);
        }
    }
    if (split(v["liveness"]).size() != 1 || v["liveness"] == "all")
        throw UsageError("--liveness: choose one of auto, global, compositional");
    spec.liveness = word_list<checker::LivenessMethod>("liveness", v["liveness"],
                                                       {{"auto", checker::LivenessMethod::automatic},
                                                        {"global", checker::LivenessMethod::global},
                                                        {"compositional", checker::LivenessMethod::compositional}})
                        .front();
    const std::string premise_fails = checker::compositional_premise(spec);
    if (spec.liveness == checker::LivenessMethod::compositional) {
        if (!(spec.properties & properties::bit(properties::PropertyId::eventually_destroyed)))
            throw UsageError("--liveness compositional: eventually-destroyed is not among the properties checked");
        if (!premise_fails.empty())
            throw UsageError("--liveness compositional: eventually-destroyed cannot be decided socket by socket: " +
                             premise_fails);
    }
    // What the reduction has to keep: eventually-destroyed only when the whole state graph decides it (as
    // checker::explore chooses).
    properties::PropertyMask judged = spec.properties;
    if (spec.liveness != checker::LivenessMethod::global && spec.sockets > 1 && premise_fails.empty())
        judged &= ~properties::bit(properties::PropertyId::eventually_destroyed);
    if (v["por"] != "auto" && v["por"] != "yes" && v["por"] != "no")
        throw UsageError(fmt::format("--por: unknown value '{}' (expected auto, yes or no)", v["por"]));
    if (v["por"] == "auto") {
        spec.por = checker::por_decides(judged) && spec.engine == checker::Engine::table && spec.sockets > 1;
    } else {
        spec.por = v["por"] == "yes";
        if (spec.por && spec.engine != checker::Engine::table)
            throw UsageError("--por yes needs --engine table (the reduction reads the completed move tables)");
        if (spec.por && !checker::por_decides(judged))
            throw UsageError("--por yes: the reduction keeps safety properties only (leave out eventually-destroyed, "
                             "or use --property safety) and decides counter-never-negative only with orphan-balance");
    }
    return spec;
}

}  // namespace orphancheck::cli
