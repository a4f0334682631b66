// Installable (issue 18): --version, `cmake --install` into a clean prefix (binary, man page, bash completion,
// examples, patch files, schemas), the Debian package from cpack installed into an empty root, and the bash
// completion generated from the command line (subcommands, options, values, comma lists).
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "check_options.hpp"
#include "helpers.hpp"
#include "orphancheck/reports/report.hpp"

namespace {
namespace fs = std::filesystem;

// The command's standard output and error, then "exit=N".
std::string sh(const std::string& cmd) {
    const auto r = orphancheck::test::run_shell(cmd);
    return r.out + "\nexit=" + std::to_string(r.code);
}

bool has(const std::string& tool) { return sh("command -v " + tool).find("exit=0") != std::string::npos; }

struct TempDir {
    fs::path path = fs::temp_directory_path() / ("oc-install-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()));
    TempDir() { fs::create_directories(path); }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

// What bash completes for the words typed so far (the last one being completed).
std::string complete(const std::string& script, const std::string& words) {
    return sh("bash -c 'source " + script + "; COMP_WORDS=(" + words + "); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); "
              "[[ \"" + words + "\" == *\" \" ]] && COMP_WORDS+=(\"\") && COMP_CWORD=$((COMP_CWORD + 1)); "
              "_orphancheck; echo \"${COMPREPLY[*]}\"'");
}
}  // namespace

TEST_CASE("--version prints the version and exits 0, no command is still one line and exit 2") {
    const std::string v = sh(std::string(ORPHANCHECK_BIN) + " --version");
    CHECK(v == std::string("orphancheck ") + orphancheck::reports::kVersion + "\n\nexit=0");
    const std::string none = sh(ORPHANCHECK_BIN);
    INFO(none);
    CHECK(none.find("orphancheck: error: a command is needed") == 0);
    CHECK(none.find("exit=2") != std::string::npos);
    const std::string usage = sh(std::string(ORPHANCHECK_BIN) + " check --help");
    CHECK(usage.find("Usage: orphancheck check") != std::string::npos);  // the program's name, not the build path
}

TEST_CASE("install: cmake --install into a clean prefix gives --version, the man page, the completion and the examples") {
    if (!has("cmake")) {
        MESSAGE("skipped: cmake is not on PATH");
        return;
    }
    const TempDir prefix;
    const std::string install = sh(std::string("cmake --install ") + ORPHANCHECK_BUILD_DIR + " --prefix " + prefix.path.string());
    INFO(install);
    REQUIRE(install.find("exit=0") != std::string::npos);
    const fs::path p = prefix.path;
    CHECK(sh((p / "bin/orphancheck").string() + " --version").find(orphancheck::reports::kVersion) != std::string::npos);
    const fs::path man = p / "share/man/man1/orphancheck.1.gz";
    REQUIRE(fs::exists(man));
    if (has("man")) {
        const std::string page = sh("MANPAGER=cat MANWIDTH=100 man -l " + man.string());
        INFO(page.substr(0, 2000));
        CHECK(page.find("EXIT STATUS") != std::string::npos);
        CHECK(page.find("EXAMPLES") != std::string::npos);
        CHECK(page.find("--sockets") != std::string::npos);  // the options, from --help-all
        CHECK(page.find("exit=0") != std::string::npos);
    } else {
        MESSAGE("man is not installed (Debian's man-db): the page is there, not rendered");
    }
    const fs::path completion = p / "share/bash-completion/completions/orphancheck";
    REQUIRE(fs::exists(completion));
    CHECK(complete(completion.string(), "orphancheck che").find("check") == 0);
    for (const char* f : {"share/orphancheck/checks/fin-wait1-orphans.toml", "share/orphancheck/patches/cases",
                          "share/orphancheck/schemas/host.schema.json", "share/doc/orphancheck/README.md"})
        CHECK_MESSAGE(fs::exists(p / f), f, " is not installed");
    // An installed example check runs from the installed binary.
    const std::string run = sh((p / "bin/orphancheck").string() + " check --quiet --config " +
                               (p / "share/orphancheck/checks/fin-wait1-orphans.toml").string() + " --sockets 1");
    INFO(run);
    CHECK(run.find("exit=0") != std::string::npos);
}

TEST_CASE("install: the Debian package from cpack installs into an empty root and runs") {
    if (!has("cpack") || !has("dpkg") || !has("dpkg-shlibdeps")) {
        MESSAGE("skipped: needs cpack, dpkg and dpkg-shlibdeps (Debian's cmake, dpkg, dpkg-dev)");
        return;
    }
    const TempDir dir;
    const std::string pack = sh(std::string("cd ") + ORPHANCHECK_BUILD_DIR + " && cpack -G DEB -B " + (dir.path / "out").string());
    INFO(pack);
    REQUIRE(pack.find("exit=0") != std::string::npos);
    const std::string deb = (dir.path / "out" / (std::string("orphancheck_") + orphancheck::reports::kVersion)).string();
    const std::string info = sh("dpkg-deb -f " + deb + "_*.deb Package Version Depends");
    INFO(info);
    CHECK(info.find("Package: orphancheck") != std::string::npos);
    CHECK(info.find("libfmt9") != std::string::npos);  // Depends from the binary's libraries
    // An empty dpkg database in a directory: the package installs there, not on this machine.
    const fs::path root = dir.path / "root";
    for (const char* d : {"var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers"}) fs::create_directories(root / d);
    for (const char* f : {"var/lib/dpkg/status", "var/lib/dpkg/available"}) std::fclose(std::fopen((root / f).c_str(), "w"));
    const std::string installed = sh("dpkg --root=" + root.string() +
                                     " --force-depends --force-not-root --force-script-chrootless --log=/dev/null -i " + deb + "_*.deb");
    INFO(installed);
    REQUIRE(installed.find("exit=0") != std::string::npos);
    CHECK(sh((root / "usr/bin/orphancheck").string() + " --version").find(orphancheck::reports::kVersion) != std::string::npos);
    CHECK(fs::exists(root / "usr/share/man/man1/orphancheck.1.gz"));
    CHECK(fs::exists(root / "usr/share/bash-completion/completions/orphancheck"));
}

TEST_CASE("completion: subcommands, their options, option values and comma lists complete in bash") {
    const TempDir dir;
    const std::string script = (dir.path / "orphancheck.bash").string();
    REQUIRE(sh(std::string(ORPHANCHECK_BIN) + " completion bash > " + script).find("exit=0") != std::string::npos);
    const auto says = [&](const std::string& words, const std::string& expected) {
        const std::string got = complete(script, words);
        INFO("completing '" << words << "' gave: " << got);
        CHECK(got.find(expected) != std::string::npos);
    };
    says("orphancheck li", "lifetime");
    says("orphancheck check --ling", "--linger --linger2");
    says("orphancheck check --linger ", "off 0 timeout all");
    says("orphancheck check --linger off,ti", "off,timeout");
    says("orphancheck diff --profile linux-6", "linux-6.12 linux-6.18");
    says("orphancheck check --property orphan-", "orphan-balance orphan-classification");
    says("orphancheck diff ", "linux-5.15");
    says("orphancheck conform --scenario fin-wait1-d", "fin-wait1-default-retries");
    says("orphancheck host --", "--netns");
    says("orphancheck rows rto_fin_", "rto_fin_wait1");  // row names, for patch authors
    const auto rows = orphancheck::test::run_cli("rows rto_fin_wait1 ack_fin_wait1_tw");
    CHECK(rows.out.find("rto_fin_wait1 ") != std::string::npos);
    CHECK(rows.out.find("ack_fin_wait1_tw ") != std::string::npos);
    CHECK(rows.out.find("rto_closing") == std::string::npos);
    orphancheck::test::check_refused("rows no_such_row", "rows: no row named 'no_such_row'");
    const std::string bad = sh(std::string(ORPHANCHECK_BIN) + " completion zsh");
    CHECK(bad.find("orphancheck: error: completion: 'zsh': only bash is supported") == 0);
    CHECK(bad.find("exit=2") != std::string::npos);
}

TEST_CASE("completion: every value offered for a check option is one the option accepts") {
    for (const auto& o : orphancheck::cli::check_options()) {
        std::string choices = o.choices;
        for (std::size_t start = 0; start < choices.size();) {
            const std::size_t end = std::min(choices.find(' ', start), choices.size());
            const std::string value = choices.substr(start, end - start);
            start = end + 1;
            const std::string name = o.name;
            orphancheck::cli::OptionValues v{{name, value}};
            // Options that apply to a zero window only are offered with it; the reduction, with safety only.
            if (name == "tcp-retries2") v["peer-window"] = "closes";
            if (name == "synack-retries") v.insert({{"listener", "yes"}, {"syn-queue", "1"}});
            if (name == "syn-retries") v.insert({{"connecting", "1"}});
            if (name == "liveness") v.insert({{"max-orphans", "65536"}, {"max-tw-buckets", "65536"}});
            const std::vector<std::string> props = name == "por" ? std::vector<std::string>{"safety"} : std::vector<std::string>{};
            INFO("--" << name << " " << value);
            CHECK_NOTHROW((void)orphancheck::cli::build_spec(v, props));
        }
    }
}
