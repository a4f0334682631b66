// [[row]] of a patch file: a row the kernel change adds (a new branch of a kernel function).
//
//   [[row]]
//   name = "keepalive_rst_short_fin_time"   # new, not a name from `orphancheck rows`
//   function = "tcp_keepalive_timer"          # the kernel function the branch is in
//   from = "FIN_WAIT2"                        # source state (`orphancheck rows` spells them)
//   event = "keepalive_expire"                # an event id from `orphancheck events`
//   guard = "dead && !fin_time_long"          # optional: the guard grammar of [[edit]] guard
//   to = "DESTROYED"                          # target state
//   effects = ["send_rst", "destroy", "orphan_dec"]   # what it does (effects with behaviour only)
//   set = {retries = 0}                       # optional: socket data it sets
#pragma once

#include <string>

#include "orphancheck/model/table_patch.hpp"
#include "toml_file.hpp"

namespace orphancheck::cli {

// Reads and registers one [[row]] of patch file `path`. Throws UsageError.
[[nodiscard]] model::AddedRow read_added_row(const std::string& path, const toml::table& t);

}  // namespace orphancheck::cli
