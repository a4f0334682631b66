#include "orphancheck/checker/explorer.hpp"

#include "search.hpp"

namespace orphancheck::checker {

std::uint64_t peak_rss_bytes() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return std::uint64_t(ru.ru_maxrss) * 1024;
}

int packed_bytes(int sockets) { return 4 + 2 * sockets; }

std::string CaseConfig::describe() const { return sysctl.describe(); }

namespace {
template <int W>
ExploreResult run_with(const ExploreSpec& spec, std::vector<SocketSpace>& spaces) {
    Search<W> search(spec, spaces);
    return search.run();
}
}  // namespace

ExploreResult explore(const ExploreSpec& spec) {
    if (spec.sockets < 1 || spec.sockets > kMaxSockets)
        throw SpecError(fmt::format("sockets must be between 1 and {}", kMaxSockets));
    if (spec.cases.empty() || spec.cases.size() > 255) throw SpecError("between 1 and 255 configurations are needed");
    for (const CaseConfig& c : spec.cases)
        if (c.close_events.empty()) throw SpecError("no close() variant selected");
    std::vector<SocketSpace> spaces;
    spaces.reserve(spec.cases.size());
    for (const CaseConfig& c : spec.cases) spaces.emplace_back(c, spec.engine, spec.patch);
    switch ((packed_bytes(spec.sockets) + 7) / 8) {
        case 1: return run_with<1>(spec, spaces);
        case 2: return run_with<2>(spec, spaces);
        case 3: return run_with<3>(spec, spaces);
        default: return run_with<4>(spec, spaces);
    }
}

}  // namespace orphancheck::checker
