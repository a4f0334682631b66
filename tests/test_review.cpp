// Issue 15: `orphancheck review KERNEL.diff` maps the functions a kernel diff changes to the model's rows,
// on synthetic diffs written for the purpose (tests/data/review/).
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <filesystem>
#include <iterator>
#include <string>

#include <nlohmann/json.hpp>

#include "helpers.hpp"
#include "orphancheck/analysis/review.hpp"
#include "patch_file.hpp"

using namespace orphancheck;

namespace {
std::string review_data(const std::string& name) { return std::string(ORPHANCHECK_TEST_DATA) + "/review/" + name; }

std::string text_of(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), {}};
}

analysis::Review review_of(const std::string& name) {
    return analysis::review_diff(analysis::parse_unified_diff(text_of(review_data(name))));
}

bool lists_row(const analysis::ReviewedFunction& f, model::RowId r) {
    return std::any_of(f.rows.begin(), f.rows.end(), [r](const auto& d) { return d.row == r; });
}

bool lists_property(const analysis::ReviewedFunction& f, properties::PropertyId p) {
    return std::find(f.properties.begin(), f.properties.end(), p) != f.properties.end();
}
}  // namespace

TEST_CASE("review: a C definition line names its function, a statement or declaration does not") {
    CHECK(analysis::function_defined_by("static void tcp_keepalive_timer (struct timer_list *t)") == "tcp_keepalive_timer");
    CHECK(analysis::function_defined_by("void __tcp_close(struct sock *sk, long timeout)") == "__tcp_close");
    CHECK(analysis::function_defined_by("int tcp_v4_rcv(struct sk_buff *skb)") == "tcp_v4_rcv");
    CHECK(analysis::function_defined_by("\tif (x(y))") == "");         // indented: a statement
    CHECK(analysis::function_defined_by("if (synthetic(y))") == "");   // a keyword
    CHECK(analysis::function_defined_by("void declared_only(int x);") == "");
    CHECK(analysis::function_defined_by("static int knob = f(1)") == "");
    CHECK(analysis::function_defined_by("EXPORT_SYMBOL(tcp_close);") == "");
    CHECK(analysis::function_defined_by("synthetic_call(x)") == "");   // no type before the name
    CHECK(analysis::function_defined_by("") == "");
}

TEST_CASE("review: a diff touching tcp_keepalive_timer lists the FIN_WAIT2 timer rows") {
    const auto r = review_of("keepalive-timer.diff");
    CHECK(r.hunks == 1);
    REQUIRE(r.functions.size() == 1);
    const auto& f = r.functions.front();
    CHECK(f.function == "tcp_keepalive_timer");
    REQUIRE(f.changes.size() == 1);
    CHECK(f.changes.front().file == "net/ipv4/tcp_timer.c");
    CHECK(f.changes.front().first_line == 743);  // the removed and the added line, at line 743 of the new file
    CHECK(f.changes.front().last_line == 743);
    for (model::RowId row : {model::RowId::keepalive_tw, model::RowId::keepalive_tw_overflow, model::RowId::keepalive_rst}) {
        INFO("row " << model::row_name(row));
        CHECK(lists_row(f, row));
    }
    CHECK_FALSE(lists_row(f, model::RowId::ack_last_ack));
    CHECK(lists_property(f, properties::PropertyId::timer_armed));
    CHECK(lists_property(f, properties::PropertyId::eventually_destroyed));
}

TEST_CASE("review: a change after a definition inside the hunk is inet_csk_destroy_sock's, not the header's") {
    const auto r = review_of("destroy-sock.diff");
    REQUIRE(r.functions.size() == 1);
    const auto& f = r.functions.front();
    CHECK(f.function == "inet_csk_destroy_sock");
    CHECK(f.changes.front().first_line == 1206);
    CHECK(f.changes.front().last_line == 1207);
    // Every row that destroys the socket, and none that does not.
    for (const auto& d : model::describe_table()) {
        INFO("row " << model::row_name(d.row));
        if (d.actions.find("inet_csk_destroy_sock") != std::string::npos) CHECK(lists_row(f, d.row));
    }
    CHECK(lists_row(f, model::RowId::ack_last_ack));
    CHECK_FALSE(lists_row(f, model::RowId::close_fin));
    CHECK(lists_property(f, properties::PropertyId::single_decrement));
    CHECK(lists_property(f, properties::PropertyId::counter_never_negative));
}

TEST_CASE("review: functions the model does not cover are outside it, file-scope changes too") {
    const auto r = review_of("outside.diff");
    CHECK(r.hunks == 2);
    REQUIRE(r.functions.size() == 2);
    CHECK(r.functions[0].function.empty());
    CHECK(r.functions[0].rows.empty());
    CHECK(r.functions[1].function == "tcp_v4_rcv");
    // tcp_v4_rcv is in the model only where a request socket's final ACK finds no listener.
    REQUIRE(r.functions[1].rows.size() == 1);
    CHECK(r.functions[1].rows.front().row == model::RowId::req_ack_no_listener);
    CHECK(r.functions[1].changes.front().first_line == 2102);
}

TEST_CASE("review: the command prints the rows, writes JSON and a skeleton that becomes a patch file") {
    const std::string skeleton =
        (std::filesystem::temp_directory_path() / ("oc_review_skeleton_" + std::to_string(getpid()) + ".toml")).string();
    const auto run = test::run_cli("review " + review_data("keepalive-timer.diff") + " --skeleton " + skeleton);
    INFO(run.out << run.err);
    CHECK(run.code == 0);
    CHECK(run.out.find("tcp_keepalive_timer  (net/ipv4/tcp_timer.c:743): 3 rows") != std::string::npos);
    CHECK(run.out.find("keepalive_rst") != std::string::npos);
    // Uncomment the first edit and make it a removal: a patch file the checker reads.
    std::string text = text_of(skeleton);
    CHECK(text.find("# [[row]]  # a new branch in tcp_keepalive_timer\n# name = \"\"\n# function = \"tcp_keepalive_timer\"") !=
          std::string::npos);
    const std::string commented = "# [[edit]]\n# row = ";
    const auto edit = text.find(commented);
    REQUIRE(edit != std::string::npos);
    text.replace(edit, commented.size(), "[[edit]]\nrow = ");
    text.insert(text.find('\n', text.find("row = ", edit)) + 1, "remove = true\n");
    std::ofstream(skeleton) << text;
    model::TablePatch p;
    cli::read_patch_file(skeleton, p);
    REQUIRE(p.edits.size() == 1);
    CHECK(p.edits.front().row == model::RowId::keepalive_tw);
    std::remove(skeleton.c_str());

    const auto j = test::run_cli("review " + review_data("outside.diff") + " --json -");
    CHECK(j.code == 0);
    const auto doc = nlohmann::json::parse(j.out);
    CHECK(doc["hunks"] == 2);
    CHECK(doc["functions"][0]["in_model"] == false);  // file scope
    CHECK(doc["functions"][1]["function"] == "tcp_v4_rcv");
    CHECK(doc["functions"][1]["in_model"] == true);  // a request socket's final ACK that finds no listener
}

TEST_CASE("review: what is not a diff is refused in one line naming the problem") {
    test::check_refused("review " + review_data("not-a-diff.txt"), "not a unified diff");
    test::check_refused("review " + review_data("truncated.diff"), "line 7: the input ends inside a hunk");
    test::check_refused("review /nonexistent.diff", "cannot read /nonexistent.diff");
    test::check_refused("review " + review_data("outside.diff") + " --json out.svg", "--json");
    test::check_refused("review", "DIFF");
    for (const auto& item : std::vector<std::pair<std::string, std::string>>{
             {"--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,2\n", "line 3: a hunk header without its closing '@@'"},
             {"--- a/x.c\n+++ b/x.c\n@@ -1,x +1,2 @@\n", "line 3: a hunk header with a bad line range"},
             {"@@ -1,1 +1,1 @@\n-a\n+b\n", "line 1: a hunk before any"},
             {"--- a/x.c\n+++ b/x.c\n@@ -1,1 +1,1 @@\n-a\n+b\n+c\n", "line 6: the hunk has more lines"},
             {"--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,2 @@\n-a\n*b\n", "line 5: the hunk needs"},
             {"--- a/x.c\n+++ b/x.c\n@@ -0,0 +0,0 @@\n", "line 3: an empty hunk"},
         }) {
        const std::string& text = item.first;
        const std::string& why = item.second;
        INFO(text);
        CHECK_THROWS_WITH_AS((void)analysis::parse_unified_diff(text), doctest::Contains(why.c_str()),
                             analysis::DiffSyntaxError);
    }
    // Binary input.
    const std::string bin = "oc_review_binary_" + std::to_string(getpid()) + ".diff";
    std::ofstream(bin, std::ios::binary) << std::string("--- a/x\n+++ b/x\n\0", 17);
    test::check_refused("review " + bin, "binary");
    std::remove(bin.c_str());
}
