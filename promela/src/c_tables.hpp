// Constant C arrays for the embedded C of a Promela model. SPIN refuses a
// c_code block of more than 64 KiB of text, so a table is written as
// chunks of kChunk values, each in its own c_code block, and read through
// a macro of the table's name: NAME(i).
#pragma once

#include <cstdint>
#include <ostream>
#include <string_view>
#include <vector>

namespace orphancheck::promela {

inline constexpr int kChunkBits = 12;  // 4096 values of at most 12 characters each: under 64 KiB

// Writes the c_code blocks of table NAME (element type TYPE) and the macro NAME(i), after a comment.
void write_c_table(std::ostream& out, std::string_view comment, std::string_view type, std::string_view name,
                   const std::vector<std::int64_t>& values);

}  // namespace orphancheck::promela
