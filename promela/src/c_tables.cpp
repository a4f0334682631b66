#include "c_tables.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace orphancheck::promela {

void write_c_table(std::ostream& out, std::string_view comment, std::string_view type, std::string_view name,
                   const std::vector<std::int64_t>& values) {
    constexpr std::size_t kChunk = std::size_t(1) << kChunkBits;
    // C has no empty arrays: an empty table is one 0 (never read).
    const std::size_t total = std::max<std::size_t>(1, values.size());
    const std::size_t chunks = (total + kChunk - 1) / kChunk;
    out << fmt::format("/* {}: {} values */\n", comment, values.size());
    for (std::size_t c = 0; c < chunks; ++c) {
        const std::size_t begin = c * kChunk, end = std::min(total, begin + kChunk);
        out << fmt::format("c_code {{\nstatic const {} {}_{}[{}] = {{", type, name, c, end - begin);
        for (std::size_t i = begin; i < end; ++i) {
            if ((i - begin) % 20 == 0) out << "\n   ";
            out << ' ' << (i < values.size() ? values[i] : 0) << (i + 1 < end ? "," : "");
        }
        out << "\n};\n}\n";
    }
    out << fmt::format("c_code {{\nstatic const {} *const {}_chunks[{}] = {{", type, name, chunks);
    for (std::size_t c = 0; c < chunks; ++c) out << fmt::format("{}{}_{}", c ? ", " : "", name, c);
    out << fmt::format("}};\n\\#define {0}(i) ({0}_chunks[(i) >> {1}][(i) & {2}])\n}}\n", name, kChunkBits,
                       kChunk - 1);
}

}  // namespace orphancheck::promela
