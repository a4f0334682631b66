#include "orphancheck/model/nearest.hpp"

#include <algorithm>
#include <utility>

namespace orphancheck::model {
namespace {
std::size_t distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}
}  // namespace

std::string nearest_names(std::string_view word, const std::vector<std::string>& names) {
    std::vector<std::pair<std::size_t, std::string>> ranked;
    for (const auto& n : names) ranked.emplace_back(distance(word, n), n);
    std::sort(ranked.begin(), ranked.end());
    std::string s;
    for (std::size_t i = 0; i < ranked.size() && i < 3; ++i) s += (i ? ", " : "") + ranked[i].second;
    return s;
}

}  // namespace orphancheck::model
