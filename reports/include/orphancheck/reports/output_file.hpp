// Report files are written whole or not at all, and standard output is checked.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace orphancheck::reports {

// Throws OutputError (dot.hpp) unless `path` can be written: its directory exists and is writable, and it is not
// a directory itself. Commands call it before a long run, so that a bad path is refused at once.
void check_writable(const std::string& path);

// The format the extension of `path` names, among the formats orphancheck writes and the picture and document formats
// a reader would take for one: "DOT" (.dot, .gv), "SVG", "PNG", "JSON", "HTML" (.html, .htm), "Promela" (.pml),
// "GIF", "JPEG", "PDF", "PostScript", ... (in any case: x.SVG is SVG); "" for "-", a name without an extension or
// any other extension.
[[nodiscard]] std::string_view format_of_name(const std::string& path);

// Before the work, for an output option that writes one of `writes` (e.g. {"JSON"}): refuses, naming `option`, a file
// name whose extension names another format (a JSON report named x.svg, DOT text named x.gif), then check_writable.
// "-" (standard output) passes. Throws OutputError.
void check_output(std::string_view option, const std::string& path, std::initializer_list<std::string_view> writes);

// Writes `content` to `path` atomically: into an unnamed temporary file in the same directory (O_TMPFILE; a
// hidden named one where the file system has none), flushed to disk, then given the name in one rename. A
// failed, interrupted or killed run leaves an existing report as it was and no partial file. A symbolic link is
// followed (the file it names is replaced); a device or pipe (/dev/stdout, a FIFO) is written in place, since it
// cannot be replaced. Throws OutputError.
void write_file_atomically(const std::string& path, std::string_view content);

// A JSON report, indented, to `path` as write_file_atomically does, or to standard output for "-".
void write_json(const nlohmann::json& j, const std::string& path);

// Flushes standard output (the iostream and the stdio buffers) and throws OutputError when any write to it
// failed (a full disk, a closed pipe): a report that did not reach its reader is not a success.
void check_stdout();

}  // namespace orphancheck::reports
