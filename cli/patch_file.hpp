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
#include <vector>

#include "orphancheck/model/table_patch.hpp"

namespace orphancheck::cli {

// Appends the files' edits to `patch`, in order. Throws UsageError naming the file and the problem (with the
// nearest row, effect or state name for a typo), and naming both places for edits that cannot both be meant: the
// same file twice, one [[edit]] twice, a removed row edited again, two retargets of one row, one effect added and
// dropped, one [options] or [constants] key set in two files.
void read_patch_files(const std::vector<std::string>& paths, model::TablePatch& patch);
// One file: read_patch_files({path}, patch).
void read_patch_file(const std::string& path, model::TablePatch& patch);

}  // namespace orphancheck::cli
