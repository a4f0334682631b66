// What the fuzz harnesses share: the input as a scratch file (the readers
// take a path, as the command line gives them), and the rule
// that bad input may only ever be a UsageError (exit 2) or a CapacityError
// (exit 3, "incomplete"); any other exception, crash or hang is a finding.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>

#include "check_options.hpp"
#include "orphancheck/checker/explorer.hpp"

namespace orphancheck::fuzz {

// A file named <dir>/oc-fuzz-<pid>-<name> whose bytes are replaced on each write() (the readers take a path, as
// the command line gives them); <dir> is /dev/shm when it exists (memory, no disk wear), else /tmp.
class ScratchFile {
public:
    explicit ScratchFile(const std::string& name)
        : path_(std::string(access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp") + "/oc-fuzz-" +
                std::to_string(getpid()) + "-" + name) {}
    ScratchFile(const ScratchFile&) = delete;
    ScratchFile& operator=(const ScratchFile&) = delete;
    ~ScratchFile() { unlink(path_.c_str()); }
    const std::string& write(std::string_view bytes) const {
        FILE* f = std::fopen(path_.c_str(), "wb");
        if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size() || std::fclose(f) != 0) std::abort();
        return path_;
    }

private:
    std::string path_;
};

// Runs `f`; the expected refusals return, anything else aborts with what was thrown.
template <class F>
void expect_clean(F&& f) {
    try {
        f();
    } catch (const cli::UsageError& e) {
        const std::string_view m = e.what();
        if (m.empty() || m.find('\n') != std::string_view::npos) {
            std::fprintf(stderr, "a usage error that is not one line: '%s'\n", e.what());
            std::abort();
        }
    } catch (const checker::CapacityError&) {
    } catch (const std::exception& e) {
        std::fprintf(stderr, "unexpected exception: %s\n", e.what());
        std::abort();
    }
}

}  // namespace orphancheck::fuzz
