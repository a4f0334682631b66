// The values a patch file names (rows, effects, states, events, socket data), read with one-line errors that name
// the file and, for a typo, the nearest names. Shared by the [[edit]] and [[row]] readers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "orphancheck/model/table_patch.hpp"
#include "toml_file.hpp"

namespace orphancheck::cli {

[[nodiscard]] std::string nearest(const std::string& word, const std::vector<std::string>& names);
[[nodiscard]] std::vector<std::string> row_names();
[[nodiscard]] std::vector<std::string> state_names();

[[nodiscard]] std::string text_of(const std::string& path, std::string_view key, const toml::node& v);
[[nodiscard]] model::Effect effect_of(const std::string& path, const std::string& name);
[[nodiscard]] model::TcpState state_of(const std::string& path, const std::string& name);
[[nodiscard]] model::EventKind event_of(const std::string& path, const std::string& name);
// `set = {dead = true, retries = 0}`: socket data by the names of the guard conditions.
[[nodiscard]] std::vector<model::DataSet> read_data_set(const std::string& path, const std::string& row,
                                                        const toml::node& v);

}  // namespace orphancheck::cli
