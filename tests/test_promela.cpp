// The Promela export: its structure, the invariant decomposition it relies
// on, and (when SPIN and gcc are installed) that SPIN finds exactly the
// states orphancheck finds and the assertion a broken model violates.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "helpers.hpp"
#include "orphancheck/checker/socket_space.hpp"
#include "orphancheck/properties/invariant_terms.hpp"
#include "orphancheck/promela/promela_export.hpp"
#include "patch_file.hpp"

using namespace orphancheck;

namespace {
// Lean options (as bench_explore's "lean"), without symmetry reduction: the model has none.
cli::OptionValues lean(int sockets) {
    auto o = test::two_sockets_lean();
    o["sockets"] = std::to_string(sockets);
    o["symmetry"] = "no";
    return o;
}

std::string double_decrement() {
    return std::string(ORPHANCHECK_CHECKS) + "/../model/patches/broken/double-decrement.toml";
}

std::string export_text(const checker::ExploreSpec& spec, promela::ExportSummary* sum = nullptr) {
    std::ostringstream out;
    const auto s = promela::write_promela(out, spec);
    if (sum) *sum = s;
    return out.str();
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
    return n;
}

bool have(const char* tool) {
    return std::system((std::string("command -v ") + tool + " >/dev/null 2>&1").c_str()) == 0;
}

using Run = test::CliRun;
using test::run_cli;

struct PanResult {
    long long stored = -1, matched = -1, errors = -1;
    std::string output;
};

// The integer that ends just before `label` / starts just after it in pan's output; -1 if absent.
long long number_before(const std::string& out, const std::string& label) {
    const auto at = out.find(label);
    if (at == std::string::npos) return -1;
    auto begin = at;
    while (begin > 0 && std::isdigit(static_cast<unsigned char>(out[begin - 1]))) --begin;
    return begin == at ? -1 : std::stoll(out.substr(begin, at - begin));
}
long long number_after(const std::string& out, const std::string& label) {
    const auto at = out.find(label);
    if (at == std::string::npos) return -1;
    const auto begin = at + label.size();
    auto end = begin;
    while (end < out.size() && std::isdigit(static_cast<unsigned char>(out[end]))) ++end;
    return end == begin ? -1 : std::stoll(out.substr(begin, end - begin));
}

// Exports `spec`, builds pan as the SPIN comparison does and runs it in a fresh temporary directory.
PanResult run_pan(const checker::ExploreSpec& spec) {
    char tmpl[] = "/tmp/oc_promela_XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    const std::filesystem::path dir = tmpl;
    {
        std::ofstream f(dir / "model.pml");
        promela::write_promela(f, spec);
        REQUIRE(f.good());
    }
    const std::string cmd = "cd " + dir.string() +
                            " && spin -a model.pml >spin.log 2>&1 && gcc -O2 -w -DSAFETY -DNOREDUCE -o pan pan.c "
                            ">gcc.log 2>&1 && ./pan -m100000 -w20 >pan.out 2>&1";
    const int rc = std::system(cmd.c_str());
    PanResult r;
    std::ifstream in(dir / "pan.out");
    r.output.assign(std::istreambuf_iterator<char>(in), {});
    INFO("command: " << cmd << "\npan output:\n" << r.output);
    CHECK(rc == 0);
    r.stored = number_before(r.output, " states, stored");
    r.matched = number_before(r.output, " states, matched");
    r.errors = number_after(r.output, "errors: ");
    CHECK(r.output.find("max search depth too small") == std::string::npos);
    std::filesystem::remove_all(dir);
    return r;
}
}  // namespace

TEST_CASE("promela: one lean socket exports as one loop of d_steps over the move tables") {
    const auto spec = test::spec_of(lean(1));
    promela::ExportSummary sum;
    const std::string text = export_text(spec, &sum);
    CHECK(sum.cases == 1);
    CHECK(sum.extra_states == 0);
    CHECK(sum.extra_transitions == 1);
    CHECK(sum.max_moves > 1);
    CHECK(sum.asserted == promela::assertable_properties());
    // The closure holds at least every socket configuration the explorer meets.
    CHECK(sum.socket_configs >= checker::explore(spec).stats.socket_configs);

    CHECK(text.find("/* orphancheck-states-offset: 0 */") != std::string::npos);
    CHECK(text.find("byte oc_case;\nshort oc_counter;\nbyte oc_cache;\nshort oc_combo[1];\n") != std::string::npos);
    CHECK(text.find("active proctype sockets() {\nend:\n    do\n") != std::string::npos);
    CHECK(text.find(":: oc_case = ") == std::string::npos);  // one configuration: no initial choice
    // One option per move slot of the one socket, the cache refresh and the invariant check.
    CHECK(count(text, ":: d_step {") == std::size_t(sum.max_moves) + 2);
    CHECK(count(text, "assert(!oc_step_broken)") == std::size_t(sum.max_moves));
    CHECK(count(text, "assert(oc_broken == 0)") == 1);
    CHECK(text.find(fmt::format("OC_MOVE_0_{} ", sum.max_moves - 1)) != std::string::npos);
    CHECK(text.find(fmt::format("OC_MOVE_0_{} ", sum.max_moves)) == std::string::npos);
    CHECK(text.find("case 0 combo 0: ESTABLISHED") != std::string::npos);
    // SPIN takes at most 64 KiB of text per c_code block.
    for (std::size_t at = text.find("c_code {\n"); at != std::string::npos; at = text.find("c_code {\n", at + 1))
        CHECK(text.find("\n}\n", at) - at < 65536);
}

TEST_CASE("promela: several configurations start with a choice of one, and --property narrows the assertions") {
    auto o = lean(2);
    o["fin-timeout"] = "60,120";
    auto spec = test::spec_of(o, {"orphan-balance"});
    REQUIRE(spec.cases.size() == 2);
    promela::ExportSummary sum;
    const std::string text = export_text(spec, &sum);
    CHECK(sum.extra_states == 1);
    CHECK(sum.extra_transitions == 3);
    CHECK(text.find("    if\n    :: oc_case = 0\n    :: oc_case = 1\n    fi;\nend:\n") != std::string::npos);
    CHECK(text.find("/* orphancheck-states-offset: 1 */") != std::string::npos);
    CHECK(sum.asserted == properties::bit(properties::PropertyId::orphan_balance));
    CHECK(text.find("assert(!oc_step_broken)") == std::string::npos);  // no step property wanted
    CHECK(count(text, ":: d_step {") == 2 * std::size_t(sum.max_moves) + 2);

    spec.sockets = 0;
    std::ostringstream out;
    CHECK_THROWS_AS(promela::write_promela(out, spec), checker::SpecError);
}

TEST_CASE("promela: the per-socket invariant terms add up to violated_invariants") {
    const properties::PropertyMask all = ~properties::PropertyMask(0);
    for (bool broken : {false, true}) {
        auto spec = test::spec_of(lean(1));
        if (broken) cli::read_patch_file(double_decrement(), spec.patch);
        checker::SocketSpace sp(spec.cases[0], spec.engine, spec.patch);
        sp.complete(2);
        REQUIRE(sp.size() > 100);
        std::vector<properties::InvariantTerms> terms;
        for (std::size_t c = 0; c < sp.size(); ++c)
            terms.push_back(properties::invariant_terms(sp.view(checker::Combo(c))));
        std::size_t violations = 0;
        for (std::size_t a = 0; a < sp.size(); ++a)
            for (std::size_t b = a; b < sp.size(); ++b)
                for (int counter = -3; counter <= 3; ++counter) {
                    const properties::SocketView* views[] = {&sp.view(checker::Combo(a)), &sp.view(checker::Combo(b))};
                    const properties::InvariantTerms pair[] = {terms[a], terms[b]};
                    const auto want = properties::violated_invariants({counter, views}, all);
                    const auto got = properties::combine(counter, pair, all);
                    if (want != got) FAIL_CHECK("combos " << a << ", " << b << ", counter " << counter);
                    violations += want != 0;
                }
        CHECK(violations > 0);  // the comparison saw violations, not only states where every invariant holds
        if (broken) {  // the patch gives sockets that decrement twice
            bool twice = false;
            for (const auto& t : terms)
                twice = twice || (t.own & properties::bit(properties::PropertyId::single_decrement));
            CHECK(twice);
        }
    }
}

TEST_CASE("promela: SPIN stores exactly orphancheck's states and finds the broken model's violation") {
    if (!have("spin") || !have("gcc")) {
        MESSAGE("skipped: spin not installed");
        return;
    }
    for (int n : {1, 2}) {
        const auto spec = test::spec_of(lean(n));
        const auto oc = checker::explore(spec);
        REQUIRE(oc.verdict == checker::Verdict::pass);
        const PanResult pan = run_pan(spec);
        INFO("sockets " << n << "\n" << pan.output);
        CHECK(pan.errors == 0);
        CHECK(pan.stored == static_cast<long long>(oc.stats.states));
        CHECK(pan.stored + pan.matched == static_cast<long long>(oc.stats.transitions) + 1);
    }
    auto spec = test::spec_of(lean(1));
    cli::read_patch_file(double_decrement(), spec.patch);
    REQUIRE(checker::explore(spec).verdict == checker::Verdict::fail);
    const PanResult pan = run_pan(spec);
    INFO(pan.output);
    CHECK(pan.errors == 1);
    CHECK(pan.output.find("assertion violated (oc_broken==0)") != std::string::npos);
}

TEST_CASE("promela: export on the command line, and its bad input") {
    const Run ok = run_cli("export --promela --sockets 1 --linger off --unread no");
    CHECK(ok.code == 0);
    CHECK(ok.out.find("active proctype sockets()") != std::string::npos);
    CHECK(ok.err.empty());

    // (no structured bindings: clang 14 cannot capture them in INFO's lambda)
    for (const auto& bad : {std::pair<std::string, std::string>{"export --sockets 1", "--promela"},
                            {"export --promela --sockets 1 -o /nonexistent-dir/model.pml",
                             "cannot write '/nonexistent-dir/model.pml'"},
                            {"export --promela --sockets 0", "sockets"}}) {
        const std::string& args = bad.first;
        const std::string& names = bad.second;
        const Run r = run_cli(args);
        INFO("args: " << args << "\nstderr: " << r.err);
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        REQUIRE(!r.err.empty());
        CHECK(r.err.find('\n') == r.err.size() - 1);
        CHECK(r.err.find(names) != std::string::npos);
    }
}

// Under the sanitizers the larger models of --quick take minutes: --smoke there (the same code).
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
constexpr bool kSanitized = __has_feature(address_sanitizer);
#else
constexpr bool kSanitized = false;
#endif

TEST_CASE("promela: bench/spin-compare --quick finds SPIN's state and transition counts equal to orphancheck's") {
    // The script would install what is missing; a test does not: it skips instead.
    std::string missing;
    for (const char* tool : {"spin", "gcc", "python3"})
        if (!have(tool)) missing += std::string(missing.empty() ? "" : ", ") + tool;
    if (access("/usr/bin/time", X_OK) != 0) missing += std::string(missing.empty() ? "" : ", ") + "/usr/bin/time";
    if (!missing.empty()) {
        MESSAGE("skipped: bench/spin-compare needs spin, gcc, python3 and /usr/bin/time; not installed: " << missing);
        return;
    }
    // --quick: lean N = 1 and 2, lossless N = 3 and the default options at N = 2 (7.8 M states); --smoke: lean
    // N = 1 and 2 (one configuration) and the default options at N = 1 (several). Each row must say "yes" (equal
    // states and transitions after the export's offsets), and the script exits 0 only then.
    const std::string cmd = "bash '" + std::string(ORPHANCHECK_CHECKS) + "/../bench/spin-compare' " +
                            (kSanitized ? "--smoke" : "--quick") + " --bin '" + std::string(ORPHANCHECK_BIN) + "' 2>&1";
    std::string output;
    FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    std::array<char, 4096> buf{};
    std::size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) output.append(buf.data(), n);
    const int status = pclose(p);
    INFO("command: " << cmd << "\noutput:\n" << output);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(count(output, " | yes | ") == (kSanitized ? 3 : 4));
    CHECK(output.find("**NO**") == std::string::npos);
}
