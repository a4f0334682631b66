// "Did you mean": the names closest to a misspelt one, for error messages.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace orphancheck::model {

// Up to three of `names`, nearest to `word` first (edit distance), comma-separated.
[[nodiscard]] std::string nearest_names(std::string_view word, const std::vector<std::string>& names);

}  // namespace orphancheck::model
