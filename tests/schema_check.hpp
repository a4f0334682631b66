// A command's JSON against its schema, schemas/<name>.schema.json (draft 2020-12), with Debian's
// python3-jsonschema: tests/test_schemas.cpp (the model's commands) and tests/test_conform_schema.cpp (a live
// conform run).
#pragma once

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <sys/wait.h>

namespace orphancheck::test {

inline std::string schema_path(const std::string& name) {
    return std::string(ORPHANCHECK_CHECKS) + "/../schemas/" + name + ".schema.json";
}

inline bool have_jsonschema() {
    static const bool ok = std::system("/usr/bin/python3 -c 'import jsonschema' >/dev/null 2>&1") == 0;
    return ok;
}

// "" when the JSON in `json_file` is valid under `schema_file` (itself checked as a draft 2020-12 schema), else
// what the validator said: up to five errors, each with the path of the value it is about (and the alternatives
// of a oneOf), or why it could not run.
inline std::string schema_errors(const std::string& json_file, const std::string& schema_file) {
    static const char* kScript = R"(
import json, sys
from jsonschema import Draft202012Validator as V
schema = json.load(open(sys.argv[2]))
V.check_schema(schema)
doc = json.load(open(sys.argv[1]))
where = lambda e: "/" + "/".join(map(str, e.absolute_path))
errors = sorted(V(schema).iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
for e in errors[:5]:
    print("at " + where(e) + ": " + e.message[:300])
    for c in sorted(e.context, key=lambda c: len(list(c.absolute_path)))[:4]:
        print("    alternative " + str(list(c.schema_path)[:1]) + " at " + where(c) + ": " + c.message[:200])
sys.exit(1 if errors else 0)
)";
    const std::string cmd = std::string("/usr/bin/python3 -c '") + kScript + "' " + json_file + " " + schema_file + " 2>&1";
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (p == nullptr) return "cannot start /usr/bin/python3";
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
    const int status = ::pclose(p);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
    return out.empty() ? "the validator failed without a message (status " + std::to_string(status) + ")" : out;
}

}  // namespace orphancheck::test
