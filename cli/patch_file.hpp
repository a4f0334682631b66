// `--patch FILE.toml`: edits of the extracted close-path table by row name,
// to express a kernel change (or a broken variant) without recompiling.
//
//   name = "double-decrement"
//   description = "LAST_ACK completion decrements twice"
//   [[edit]]
//   row = "ack_last_ack"          # a name from `orphancheck rows`
//   add_effect = "orphan_dec"     # or drop_effect = "...", retarget = "FIN_WAIT2", remove = true
//   [options]                     # kernel options (`orphancheck profiles`), whatever the profile says
//   abort_kills_orphans = false
//   [constants]                   # guard constants
//   retransmits_until_rto_max = 3
#pragma once

#include <string>

#include "orphancheck/model/table_patch.hpp"

namespace orphancheck::cli {

// Appends the file's edits to `patch`. Throws UsageError naming the file and
// the problem (with the nearest row, effect or state name for a typo).
void read_patch_file(const std::string& path, model::TablePatch& patch);

}  // namespace orphancheck::cli
