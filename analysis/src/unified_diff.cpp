#include "orphancheck/analysis/unified_diff.hpp"

#include <array>
#include <cctype>
#include <charconv>

#include <fmt/format.h>

namespace orphancheck::analysis {
namespace {

bool is_ident(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// "12" or "12,3" from a hunk header; the count is 1 when absent.
bool read_range(std::string_view s, int& start, int& count) {
    const auto comma = s.find(',');
    const std::string_view a = s.substr(0, comma), b = comma == s.npos ? "1" : s.substr(comma + 1);
    auto num = [](std::string_view t, int& v) {
        if (t.empty() || t.size() > 9) return false;
        const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
        return r.ec == std::errc() && r.ptr == t.data() + t.size();
    };
    return num(a, start) && num(b, count);
}

std::string path_of(std::string_view header) {  // "+++ b/net/ipv4/tcp.c\t2026-..." -> "net/ipv4/tcp.c"
    std::string_view p = header.substr(4);
    p = p.substr(0, p.find('\t'));
    if (starts_with(p, "a/") || starts_with(p, "b/")) p.remove_prefix(2);
    return std::string(p);
}
}  // namespace

std::string function_defined_by(std::string_view line) {
    // A definition starts at column 0 with a type or a qualifier, has a '(' after the name and is not a
    // declaration or a statement.
    if (line.empty() || !(std::isalpha(static_cast<unsigned char>(line[0])) || line[0] == '_')) return "";
    if (line.find(';') != line.npos || line.find('=') != line.npos) return "";
    const auto paren = line.find('(');
    if (paren == line.npos) return "";
    std::size_t end = paren;
    while (end > 0 && line[end - 1] == ' ') --end;
    std::size_t begin = end;
    while (begin > 0 && is_ident(line[begin - 1])) --begin;
    if (begin == end || begin == 0) return "";  // no name, or the name alone with no type before it (a call)
    const std::string name(line.substr(begin, end - begin));
    static constexpr std::array<std::string_view, 9> kNot = {"if", "for", "while", "switch", "return", "sizeof",
                                                             "do", "else", "case"};
    for (auto k : kNot)
        if (name == k || starts_with(line, std::string(k) + " ") || starts_with(line, std::string(k) + "("))
            return "";
    if (std::isdigit(static_cast<unsigned char>(name[0]))) return "";
    return name;
}

UnifiedDiff parse_unified_diff(std::string_view text) {
    UnifiedDiff d;
    std::string file;
    bool have_old = false;
    int line_no = 0;
    int old_left = 0, new_left = 0;  // lines of the current hunk still to come
    int old_line = 0, new_line = 0;
    std::string function;
    FunctionChange* open = nullptr;  // the change being extended by consecutive changed lines
    bool after_hunk = false;         // the line before ended a hunk
    auto fail = [&line_no](std::string_view why) { throw DiffSyntaxError(fmt::format("line {}: {}", line_no, why)); };
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        if (nl == text.npos) nl = text.size();
        std::string_view line = text.substr(pos, nl - pos);
        pos = nl + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (old_left > 0 || new_left > 0) {  // inside a hunk
            const char kind = line.empty() ? ' ' : line[0];
            const std::string_view body = line.empty() ? line : line.substr(1);
            if (kind == '\\') continue;  // "\ No newline at end of file"
            if (kind != ' ' && kind != '+' && kind != '-')
                fail(fmt::format("the hunk needs {} more old and {} more new lines, found '{}'", old_left, new_left,
                                 line.substr(0, 20)));
            if ((kind != '+' && old_left == 0) || (kind != '-' && new_left == 0))
                fail("the hunk has more lines than its header says");
            if (const std::string f = function_defined_by(body); !f.empty()) {
                function = f;
                open = nullptr;
            }
            after_hunk = old_left + new_left == (kind == ' ' ? 2 : 1);
            if (kind == ' ') {
                open = nullptr;
                ++old_line;
                ++new_line;
                --old_left;
                --new_left;
                continue;
            }
            const int at = new_line;  // a removed line: where it was, in the new file's numbering
            if (!open) {
                d.changes.push_back({function, file, at, at});
                open = &d.changes.back();
            }
            open->last_line = std::max(open->last_line, at);
            if (kind == '+') {
                ++new_line;
                --new_left;
            } else {
                ++old_line;
                --old_left;
            }
            continue;
        }
        // A changed line right after a hunk: the hunk is longer than its header says (a mail's "-- " signature
        // separator is not one).
        if (after_hunk && !line.empty() && (line[0] == '+' || line[0] == '-') && !starts_with(line, "--- ") &&
            !starts_with(line, "+++ ") && line != "-- ")
            fail("the hunk has more lines than its header says");
        after_hunk = false;
        if (starts_with(line, "--- ")) {
            have_old = true;
            continue;
        }
        if (starts_with(line, "+++ ")) {
            if (!have_old) fail("'+++ ' without the '--- ' line before it");
            file = path_of(line);
            have_old = false;
            continue;
        }
        if (starts_with(line, "@@ ")) {
            if (file.empty()) fail("a hunk before any '--- '/'+++ ' file header");
            const auto close = line.find(" @@", 3);
            if (close == line.npos) fail("a hunk header without its closing '@@'");
            const std::string_view ranges = line.substr(3, close - 3);
            const auto space = ranges.find(' ');
            if (space == ranges.npos || ranges[0] != '-' || ranges.size() < space + 2 || ranges[space + 1] != '+')
                fail("a hunk header that is not '@@ -A,B +C,D @@'");
            DiffHunk h;
            h.file = file;
            if (!read_range(ranges.substr(1, space - 1), h.old_start, h.old_count) ||
                !read_range(ranges.substr(space + 2), h.new_start, h.new_count))
                fail("a hunk header with a bad line range");
            std::string_view ctx = line.substr(close + 3);
            while (!ctx.empty() && ctx.front() == ' ') ctx.remove_prefix(1);
            h.header_function = function_defined_by(ctx);
            d.hunks.push_back(h);
            function = h.header_function;
            open = nullptr;
            old_left = h.old_count;
            new_left = h.new_count;
            old_line = h.old_start;
            new_line = h.new_start;
            if (old_left == 0 && new_left == 0) fail("an empty hunk");
            continue;
        }
        // Anything else between hunks: git's extended headers, the commit message of a patch mail.
    }
    if (old_left > 0 || new_left > 0) {
        ++line_no;
        fail(fmt::format("the input ends inside a hunk ({} old and {} new lines missing)", old_left, new_left));
    }
    if (d.hunks.empty()) throw DiffSyntaxError("not a unified diff: no '--- '/'+++ ' file header followed by an '@@' hunk");
    return d;
}

}  // namespace orphancheck::analysis
