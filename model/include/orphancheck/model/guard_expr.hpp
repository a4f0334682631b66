// Guard expressions of patch files: a row's guard restated over the named kernel conditions of the MSM table
// (dead, owned, fin_time_long, check_oom, ...) and comparisons of named quantities (retries, orphan_retries,
// fin_timeout, ...) with each other or constants, joined by ! && || (or not/and/or) and parentheses. So an
// off-by-one in the retry budget, a changed > / >=, a missing owned test are each one line of a patch.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "orphancheck/model/config.hpp"
#include "orphancheck/model/events.hpp"
#include "orphancheck/model/local.hpp"
#include "orphancheck/model/rows.hpp"

namespace orphancheck::model {

// X(name, value, meaning): numbers a guard expression may compare.
#define ORPHANCHECK_GUARD_QUANTITIES(X)                                                                        \
    X(retries, d.retries, "RTO retransmissions of our FIN (icsk_retransmits), or unanswered probes")          \
    X(backoff, d.backoff, "zero-window probes sent (icsk_backoff)")                                           \
    X(may_kill_after, cfg.may_kill_after(), "retransmissions after which tcp_write_timeout may give up")      \
    X(must_kill_after, cfg.must_kill_after(), "retransmissions after which tcp_write_timeout must give up")    \
    X(orphan_retries, cfg.effective_orphan_retries(), "tcp_orphan_retries (0 read as 8)")                     \
    X(retries2, cfg.retries2, "net.ipv4.tcp_retries2")                                                        \
    X(fin_timeout, cfg.fin_timeout_seconds, "net.ipv4.tcp_fin_timeout in seconds")                            \
    X(timewait_len, cfg.kernel.timewait_len_seconds, "TCP_TIMEWAIT_LEN in seconds (60)")

enum class GuardQuantity : std::uint8_t {
#define ORPHANCHECK_GUARD_QUANTITY_ENUM(name, value, meaning) name,
    ORPHANCHECK_GUARD_QUANTITIES(ORPHANCHECK_GUARD_QUANTITY_ENUM)
#undef ORPHANCHECK_GUARD_QUANTITY_ENUM
};

struct GuardExpr {
    enum class Op : std::uint8_t { constant, predicate, compare, not_, and_, or_ };
    enum class Cmp : std::uint8_t { eq, ne, lt, le, gt, ge };
    struct Term {  // quantity + offset, or the constant `offset` alone
        bool has_quantity = false;
        GuardQuantity quantity = GuardQuantity::retries;
        int offset = 0;
    };
    struct Node {
        Op op = Op::constant;
        bool value = false;      // constant
        std::uint8_t pred = 0;   // predicate: index into guard_predicate_names()
        Cmp cmp = Cmp::eq;       // compare
        Term lhs{}, rhs{};
        int a = -1, b = -1;      // operands (not: a; and/or: a, b)
    };
    std::vector<Node> nodes;
    int root = -1;
    std::string text;  // as written in the patch file

    // The value under predicate values `pred(i)` and the socket's data and configuration.
    template <class Pred>
    [[nodiscard]] bool eval(Pred&& pred, const SockData& d, const SysctlConfig& cfg) const {
        return eval_node(root, pred, d, cfg);
    }

private:
    template <class Pred>
    bool eval_node(int i, Pred& pred, const SockData& d, const SysctlConfig& cfg) const {
        const Node& n = nodes[std::size_t(i)];
        switch (n.op) {
            case Op::constant: return n.value;
            case Op::predicate: return pred(int(n.pred));
            case Op::compare: return compare(n, d, cfg);
            case Op::not_: return !eval_node(n.a, pred, d, cfg);
            case Op::and_: return eval_node(n.a, pred, d, cfg) && eval_node(n.b, pred, d, cfg);
            case Op::or_: return eval_node(n.a, pred, d, cfg) || eval_node(n.b, pred, d, cfg);
        }
        return false;
    }
    [[nodiscard]] static bool compare(const Node& n, const SockData& d, const SysctlConfig& cfg);
};

// Not a guard expression: the message names the column and, for an unknown name, the nearest ones.
struct GuardSyntaxError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Parses `text` as a new guard of `row`: names are the kernel conditions of the MSM table that the row's event
// carries (guard_predicate_applies) and the quantities above. Throws GuardSyntaxError.
[[nodiscard]] GuardExpr parse_guard(std::string_view text, RowId row);
// The same for the guard of a row a patch adds, named `row_name`, on events of kind `event`.
[[nodiscard]] GuardExpr parse_guard(std::string_view text, EventKind event, std::string_view row_name);

[[nodiscard]] int guard_quantity_value(GuardQuantity q, const SockData& d, const SysctlConfig& cfg);
[[nodiscard]] std::string_view guard_quantity_name(GuardQuantity q);

// The named conditions of the MSM table's guards (close_path_msm.cpp), in one order.
[[nodiscard]] std::span<const std::string_view> guard_predicate_names();
// Whether condition `pred` can be read on row `row`: it reads only what the row's event carries (unread_data
// is a close() fact, segment_has_fin an ACK's).
[[nodiscard]] bool guard_predicate_applies(RowId row, int pred);
[[nodiscard]] bool guard_predicate_applies(EventKind event, int pred);

}  // namespace orphancheck::model
