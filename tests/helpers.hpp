// Shared helpers for the tests: build an ExploreSpec from option text, as
// the command line would, and look up property results.
#pragma once

#include <string>
#include <vector>

#include "check_options.hpp"
#include "orphancheck/checker/explorer.hpp"

namespace orphancheck::test {

inline checker::ExploreSpec spec_of(const cli::OptionValues& opts, const std::vector<std::string>& props = {}) {
    return cli::build_spec(opts, props);
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

inline const checker::PropertyResult& result_of(const checker::ExploreResult& r, properties::PropertyId p) {
    for (const auto& x : r.properties)
        if (x.id == p) return x;
    throw std::logic_error("property not in result");
}

}  // namespace orphancheck::test
