#include "orphancheck/model/rows.hpp"

#include <array>
#include <deque>
#include <mutex>
#include <string>

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

// Added rows: a deque keeps the strings where they are, so the views handed out stay valid.
struct AddedInfo {
    std::string name, function, summary;
};
std::mutex added_mutex;
std::deque<AddedInfo> added;

const AddedInfo* added_info(RowId r) {
    const std::lock_guard lock(added_mutex);
    const std::size_t i = std::size_t(r) - std::size_t(kRows) - 1;
    return i < added.size() ? &added[i] : nullptr;
}
}  // namespace

RowId register_added_row(std::string_view name, std::string_view function, std::string_view summary) {
    const std::lock_guard lock(added_mutex);
    for (std::size_t i = 0; i < added.size(); ++i)
        if (added[i].name == name && added[i].function == function && added[i].summary == summary)
            return RowId(std::size_t(kRows) + 1 + i);
    if (int(added.size()) >= kMaxAddedRows)
        throw AddedRowsExhausted("more than " + std::to_string(kMaxAddedRows) + " rows added by patches in one run");
    added.push_back({std::string(name), std::string(function), std::string(summary)});
    return RowId(std::size_t(kRows) + added.size());
}

std::optional<RowId> added_row_from_name(std::string_view s) {
    const std::lock_guard lock(added_mutex);
    for (std::size_t i = added.size(); i-- > 0;)
        if (added[i].name == s) return RowId(std::size_t(kRows) + 1 + i);
    return std::nullopt;
}

std::string_view row_name(RowId r) {
    if (r == RowId::none) return "none";
    if (is_added_row(r)) return added_info(r) ? std::string_view(added_info(r)->name) : "unknown";
    return kInfo[std::size_t(r)].name;
}
std::string_view row_kernel_function(RowId r) {
    if (is_added_row(r)) return added_info(r) ? std::string_view(added_info(r)->function) : "";
    return r == RowId::none ? "" : kInfo[std::size_t(r)].function;
}
std::string_view row_summary(RowId r) {
    if (is_added_row(r)) return added_info(r) ? std::string_view(added_info(r)->summary) : "";
    return r == RowId::none ? "" : kInfo[std::size_t(r)].summary;
}

std::optional<RowId> row_from_name(std::string_view s) {
    for (std::size_t i = 0; i < kInfo.size(); ++i)
        if (kInfo[i].name == s) return RowId(i);
    return std::nullopt;
}

}  // namespace orphancheck::model
