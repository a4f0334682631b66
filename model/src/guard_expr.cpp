#include "orphancheck/model/guard_expr.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <utility>

#include <fmt/format.h>

#include "orphancheck/model/close_path.hpp"
#include "orphancheck/model/nearest.hpp"

namespace orphancheck::model {
namespace {

constexpr std::array<std::string_view, 8> kQuantityNames = {
#define ORPHANCHECK_GUARD_QUANTITY_NAME(name, value, meaning) #name,
    ORPHANCHECK_GUARD_QUANTITIES(ORPHANCHECK_GUARD_QUANTITY_NAME)
#undef ORPHANCHECK_GUARD_QUANTITY_NAME
};

// Tokens: names, integers, ( ) ! && || and the comparison operators, + and -. Recursive descent:
//   or   := and (("||" | "or") and)*
//   and  := unary (("&&" | "and") unary)*
//   unary:= ("!" | "not") unary | "(" or ")" | "true" | "false" | term CMP term | PREDICATE
//   term := QUANTITY (("+" | "-") INT)? | INT
class Parser {
public:
    Parser(std::string_view text, EventKind event, std::string who) : s_(text), event_(event), who_(std::move(who)) {}

    GuardExpr run() {
        x_.text = std::string(s_);
        x_.root = disjunction();
        skip();
        if (p_ < s_.size()) fail(fmt::format("unexpected '{}'", s_.substr(p_, 12)));
        return x_;
    }

private:
    [[noreturn]] void fail(const std::string& why) const {
        throw GuardSyntaxError(fmt::format("column {}: {}", p_ + 1, why));
    }
    void skip() {
        while (p_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[p_]))) ++p_;
    }
    bool take(std::string_view tok) {
        skip();
        if (s_.substr(p_, tok.size()) != tok) return false;
        // A word operator must end where the word ends (not "order" for "or").
        if (std::isalpha(static_cast<unsigned char>(tok[0])) && p_ + tok.size() < s_.size() &&
            (std::isalnum(static_cast<unsigned char>(s_[p_ + tok.size()])) || s_[p_ + tok.size()] == '_'))
            return false;
        p_ += tok.size();
        return true;
    }
    std::string_view word() {
        skip();
        const std::size_t b = p_;
        while (p_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[p_])) || s_[p_] == '_')) ++p_;
        return s_.substr(b, p_ - b);
    }
    int add(GuardExpr::Node n) {
        if (x_.nodes.size() >= 256) fail("the expression is too long (256 terms at most)");
        x_.nodes.push_back(n);
        return int(x_.nodes.size() - 1);
    }
    int binary(GuardExpr::Op op, int a, int b) {
        GuardExpr::Node n;
        n.op = op;
        n.a = a;
        n.b = b;
        return add(n);
    }
    int disjunction() {
        int a = conjunction();
        while (take("||") || take("or")) a = binary(GuardExpr::Op::or_, a, conjunction());
        return a;
    }
    int conjunction() {
        int a = unary();
        while (take("&&") || take("and")) a = binary(GuardExpr::Op::and_, a, unary());
        return a;
    }
    int unary() {
        if (++depth_ > 64) fail("nested more than 64 deep");
        const int r = unary_inner();
        --depth_;
        return r;
    }
    int unary_inner() {
        skip();
        if (p_ >= s_.size()) fail("the expression ends where a condition is expected");
        if (take("!") || take("not")) {
            GuardExpr::Node n;
            n.op = GuardExpr::Op::not_;
            n.a = unary();
            return add(n);
        }
        if (take("(")) {
            const int a = disjunction();
            if (!take(")")) fail("a '(' is not closed");
            return a;
        }
        const std::size_t at = p_;
        if (take("true") || take("false")) {
            GuardExpr::Node n;
            n.op = GuardExpr::Op::constant;
            n.value = s_[at] == 't';
            return add(n);
        }
        if (std::isdigit(static_cast<unsigned char>(s_[p_])) || is_quantity_ahead()) return comparison();
        if (s_[p_] == ')') fail("a ')' without its '('");
        const std::string_view name = word();
        if (name.empty()) fail(fmt::format("unexpected '{}'", s_.substr(p_, 1)));
        const auto preds = guard_predicate_names();
        for (std::size_t i = 0; i < preds.size(); ++i)
            if (preds[i] == name) {
                if (!guard_predicate_applies(event_, int(i))) {
                    p_ = at;
                    fail(fmt::format("'{}' is not known when {} runs ({}: a condition of another event)", name,
                                     kind_label(event_), who_));
                }
                GuardExpr::Node n;
                n.op = GuardExpr::Op::predicate;
                n.pred = std::uint8_t(i);
                return add(n);
            }
        p_ = at;
        std::vector<std::string> known(preds.begin(), preds.end());
        known.insert(known.end(), kQuantityNames.begin(), kQuantityNames.end());
        fail(fmt::format("unknown name '{}' (nearest: {})", name, nearest_names(name, known)));
    }
    bool is_quantity_ahead() {
        const std::size_t at = p_;
        const std::string_view w = word();
        p_ = at;
        for (auto q : kQuantityNames)
            if (q == w) return true;
        return false;
    }
    GuardExpr::Term term() {
        skip();
        GuardExpr::Term t;
        if (p_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[p_]))) {
            t.offset = integer();
            return t;
        }
        const std::size_t at = p_;
        const std::string_view w = word();
        for (std::size_t i = 0; i < kQuantityNames.size(); ++i)
            if (kQuantityNames[i] == w) {
                t.has_quantity = true;
                t.quantity = GuardQuantity(i);
            }
        if (!t.has_quantity) {
            p_ = at;
            const std::vector<std::string> known(kQuantityNames.begin(), kQuantityNames.end());
            fail(w.empty() ? std::string("a number or a quantity is expected")
                           : fmt::format("'{}' is not a number (quantities: {}; nearest: {})", w,
                                         "retries, backoff, may_kill_after, must_kill_after, orphan_retries, "
                                         "retries2, fin_timeout, timewait_len",
                                         nearest_names(w, known)));
        }
        if (take("+")) t.offset = integer();
        else if (take("-")) t.offset = -integer();
        return t;
    }
    int integer() {
        skip();
        const std::size_t b = p_;
        while (p_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[p_]))) ++p_;
        int v = 0;
        const auto r = std::from_chars(s_.data() + b, s_.data() + p_, v);
        if (b == p_ || r.ec != std::errc() || v > 1'000'000) {
            p_ = b;
            fail("a whole number from 0 to 1000000 is expected");
        }
        return v;
    }
    int comparison() {
        GuardExpr::Node n;
        n.op = GuardExpr::Op::compare;
        n.lhs = term();
        using C = GuardExpr::Cmp;
        if (take("==")) n.cmp = C::eq;
        else if (take("!=")) n.cmp = C::ne;
        else if (take("<=")) n.cmp = C::le;
        else if (take(">=")) n.cmp = C::ge;
        else if (take("<")) n.cmp = C::lt;
        else if (take(">")) n.cmp = C::gt;
        else
            fail(n.lhs.has_quantity ? fmt::format("'{}' is a number: compare it (==, !=, <, <=, >, >=)",
                                                  kQuantityNames[std::size_t(n.lhs.quantity)])
                                    : std::string("a number alone is not a condition: compare it"));
        n.rhs = term();
        if (!n.lhs.has_quantity && !n.rhs.has_quantity) fail("a comparison of two numbers: name a quantity");
        return add(n);
    }

    std::string_view s_;
    EventKind event_;
    std::string who_;
    std::size_t p_ = 0;
    int depth_ = 0;
    GuardExpr x_;
};

int value_of(const GuardExpr::Term& t, const SockData& d, const SysctlConfig& cfg) {
    return (t.has_quantity ? guard_quantity_value(t.quantity, d, cfg) : 0) + t.offset;
}
}  // namespace

int guard_quantity_value(GuardQuantity q, const SockData& d, const SysctlConfig& cfg) {
    switch (q) {
#define ORPHANCHECK_GUARD_QUANTITY_CASE(name, value, meaning) \
    case GuardQuantity::name: return int(value);
        ORPHANCHECK_GUARD_QUANTITIES(ORPHANCHECK_GUARD_QUANTITY_CASE)
#undef ORPHANCHECK_GUARD_QUANTITY_CASE
    }
    return 0;
}

std::string_view guard_quantity_name(GuardQuantity q) { return kQuantityNames[std::size_t(q)]; }

bool GuardExpr::compare(const Node& n, const SockData& d, const SysctlConfig& cfg) {
    const int l = value_of(n.lhs, d, cfg), r = value_of(n.rhs, d, cfg);
    switch (n.cmp) {
        case Cmp::eq: return l == r;
        case Cmp::ne: return l != r;
        case Cmp::lt: return l < r;
        case Cmp::le: return l <= r;
        case Cmp::gt: return l > r;
        case Cmp::ge: return l >= r;
    }
    return false;
}

GuardExpr parse_guard(std::string_view text, EventKind event, std::string_view row_name) {
    if (text.find_first_not_of(" \t") == std::string_view::npos) throw GuardSyntaxError("column 1: an empty guard");
    return Parser(text, event, "row " + std::string(row_name)).run();
}

GuardExpr parse_guard(std::string_view text, RowId row) {
    return parse_guard(text, describe_table()[std::size_t(row)].event, row_name(row));
}

}  // namespace orphancheck::model
