// Hostile TOML given to --config, --patch and diff's MODEL+PATCH.toml: deeply nested arrays, a 300 KB one-line
// array, a 200 KB dotted header, a file above 1 MiB. Each is refused in one line with exit 2, quickly (the
// child's CPU time, which does not depend on how loaded the machine is), and never crashes. Non-ASCII text too:
// Debian's toml++ 3.3 reaches undefined behaviour on some of it (found by fuzz/).
#include <doctest/doctest.h>

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "helpers.hpp"

using namespace orphancheck;
namespace fs = std::filesystem;

namespace {

double children_cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_CHILDREN, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::string repeat(const std::string& s, std::size_t n) {
    std::string out;
    out.reserve(s.size() * n);
    for (std::size_t i = 0; i < n; ++i) out += s;
    return out;
}

std::string joined(const std::string& item, const std::string& sep, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += (i ? sep : "") + item;
    return out;
}

struct HostileFile {
    const char* name;
    std::string text;
    const char* names;  // what the one-line error must say
};

std::vector<HostileFile> hostile_files() {
    return {
        {"nested-one-line", "sockets = " + repeat("[", 10000) + repeat("]", 10000) + "\n", "longer than 4096 bytes"},
        {"nested-lines", "sockets = " + repeat("[\n", 10000) + repeat("]\n", 10000), "nested value depth of 16"},
        {"nested-inline-tables", "x = " + repeat("{a=", 20) + "1" + repeat("}", 20) + "\n", "nested value depth of 16"},
        {"array-300KB-one-line", "properties = [" + joined("\"x\"", ",", 75000) + "]\n", "longer than 4096 bytes"},
        {"dotted-header-200KB", "[" + joined("a", ".", 100000) + "]\n", "longer than 4096 bytes"},
        {"non-ASCII-bare-key", "h\xc3\xa9 = 1\n", "non-ASCII character (column 2)"},
        {"non-ASCII-after-line-ending-backslash", "s = \"\"\"\\\n\xc2\xa7\"\"\"\n", "line 2"},
        {"non-ASCII-comment-in-multi-line-string", "s = \"\"\"x\n#\\\xef\xbb\xbb\"\"\"\n", "non-ASCII character"},
        {"newline-in-a-key", "\"orphan\\nbalance\" = 1\n", "'orphan\\nbalance'"},
        {"above-1MiB", repeat("# a comment line of a file that is far too long\n", 25000), "larger than 1 MiB"},
    };
}

}  // namespace

TEST_CASE("toml limits: nested, huge and long-lined files are refused in one line, exit 2, in under 1 s of CPU") {
    const fs::path dir = fs::temp_directory_path() / ("oc-toml-limits-" + std::to_string(getpid()));
    fs::create_directories(dir);
    for (const HostileFile& f : hostile_files()) {
        const fs::path file = dir / (std::string(f.name) + ".toml");
        {
            std::ofstream out(file, std::ios::binary);
            out << f.text;
            REQUIRE(out.good());
        }
        for (const std::string& args : {"check --config " + file.string(), "check --patch " + file.string(),
                                        "diff linux-6.12 linux-6.12+" + file.string()}) {
            INFO("file: " << f.name << " (" << f.text.size() << " bytes), command: " << args);
            const double before = children_cpu_seconds();
            test::check_refused(args, f.names);
            const double cpu = children_cpu_seconds() - before;
            INFO("CPU seconds: " << cpu);
            CHECK(cpu < 1.0);
        }
    }
    fs::remove_all(dir);
}

TEST_CASE("toml limits: a well-formed config within the limits is still read (multi-line arrays, comments)") {
    const fs::path file = fs::temp_directory_path() / ("oc-toml-ok-" + std::to_string(getpid()) + ".toml");
    {
        std::ofstream out(file);
        out << "# lean\nsockets = 1\nlinger = [\n  \"off\",\n  \"0\",\n]\nmax_states = 1_000_000\n";
    }
    const test::CliRun r = test::run_cli("check --config " + file.string());
    INFO("stderr: " << r.err);
    CHECK(r.code == 0);
    CHECK(r.out.find("verdict") != std::string::npos);
    fs::remove(file);
}
