#include "orphancheck/model/rows.hpp"

#include <array>

namespace orphancheck::model {
namespace {
struct RowInfo {
    std::string_view name, function, summary;
};
constexpr std::array<RowInfo, kRows> kInfo = {{
#define ORPHANCHECK_ROW_INFO(name, fn, text) {#name, fn, text},
    ORPHANCHECK_ROWS(ORPHANCHECK_ROW_INFO)
#undef ORPHANCHECK_ROW_INFO
}};
}  // namespace

std::string_view row_name(RowId r) { return r == RowId::none ? "none" : kInfo[std::size_t(r)].name; }
std::string_view row_kernel_function(RowId r) { return r == RowId::none ? "" : kInfo[std::size_t(r)].function; }
std::string_view row_summary(RowId r) { return r == RowId::none ? "" : kInfo[std::size_t(r)].summary; }

std::optional<RowId> row_from_name(std::string_view s) {
    for (std::size_t i = 0; i < kInfo.size(); ++i)
        if (kInfo[i].name == s) return RowId(i);
    return std::nullopt;
}

}  // namespace orphancheck::model
