#include "orphancheck/conform/kernel_config.hpp"

#include <sys/utsname.h>
#include <zlib.h>

#include <charconv>
#include <string>
#include <string_view>

namespace orphancheck::conform {
namespace {
// The whole of a gzip or plain file (zlib reads both), or nullopt.
std::optional<std::string> read_maybe_gzip(const std::string& path) {
    gzFile f = gzopen(path.c_str(), "rb");
    if (f == nullptr) return std::nullopt;
    std::string text;
    char buf[65536];
    int n = 0;
    while ((n = gzread(f, buf, sizeof buf)) > 0) text.append(buf, std::size_t(n));
    const bool ok = n == 0;
    gzclose(f);
    if (!ok) return std::nullopt;
    return text;
}

std::optional<int> hz_in(std::string_view config) {
    constexpr std::string_view key = "\nCONFIG_HZ=";
    const std::size_t at = config.find(key);
    if (at == std::string_view::npos) return std::nullopt;
    int hz = 0;
    const char* first = config.data() + at + key.size();
    const auto [end, err] = std::from_chars(first, config.data() + config.size(), hz);
    if (err != std::errc{} || end == first || hz <= 0) return std::nullopt;
    return hz;
}
}  // namespace

std::optional<int> running_kernel_hz() {
    utsname u{};
    std::string paths[] = {"", "/proc/config.gz"};
    if (uname(&u) == 0) paths[0] = std::string("/boot/config-") + u.release;
    for (const std::string& p : paths) {
        if (p.empty()) continue;
        if (const auto text = read_maybe_gzip(p))
            if (const auto hz = hz_in("\n" + *text)) return hz;
    }
    return std::nullopt;
}

}  // namespace orphancheck::conform
