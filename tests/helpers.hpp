// Shared helpers for the tests: build an ExploreSpec from option text, as
// the command line would, and look up property results.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "check_options.hpp"
#include "cli_run.hpp"
#include "patch_file.hpp"
#include "orphancheck/checker/explorer.hpp"
#include "orphancheck/checker/socket_space.hpp"

namespace orphancheck::test {

inline checker::ExploreSpec spec_of(const cli::OptionValues& opts, const std::vector<std::string>& props = {}) {
    return cli::build_spec(opts, props);
}

// spec_of(opts), with the rows of patch file `patch` edited (none when empty).
inline checker::ExploreSpec patched_spec_of(const cli::OptionValues& opts, const std::string& patch) {
    checker::ExploreSpec spec = cli::build_spec(opts, {});
    if (!patch.empty()) cli::read_patch_file(patch, spec.patch);
    return spec;
}

// Small configuration: one socket, everything the peer and the options can do.
inline cli::OptionValues one_socket_all() {
    return {{"sockets", "1"}, {"linger2", "all"}, {"fin-timeout", "60,120"}};
}

// Two sockets, no loss and a quiet peer: small enough for the MSM engine.
inline cli::OptionValues two_sockets_lean() {
    return {{"sockets", "2"}, {"linger", "off"}, {"linger2", "sysctl"}, {"unread", "no"},
            {"peer-data", "no"}, {"peer-rst", "no"}, {"fin-timeout", "60"}};
}

inline cli::OptionValues with(cli::OptionValues o, const std::string& key, const std::string& value) {
    o[key] = value;
    return o;
}

// Calls f(move) for every move of every socket configuration of `opts` (every role, case and guard input).
template <class F>
void for_each_socket_move(const cli::OptionValues& opts, F&& f) {
    const checker::ExploreSpec spec = spec_of(opts);
    for (const checker::CaseConfig& c : spec.cases) {
        checker::SocketSpace sp(c, checker::Engine::table, {}, spec.roles);
        sp.complete(spec.sockets);
        for (std::size_t i = 0; i < sp.size(); ++i)
            for (int gin : sp.guard_inputs(spec.sockets))
                for (const checker::SockMove& m : sp.moves(checker::Combo(i), gin)) f(m);
    }
}

inline const checker::PropertyResult& result_of(const checker::ExploreResult& r, properties::PropertyId p) {
    for (const auto& x : r.properties)
        if (x.id == p) return x;
    throw std::logic_error("property not in result");
}

}  // namespace orphancheck::test
