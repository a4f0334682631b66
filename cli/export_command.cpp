#include "export_command.hpp"

#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "check_options.hpp"
#include "orphancheck/promela/promela_export.hpp"
#include "orphancheck/properties/property.hpp"
#include "orphancheck/reports/output_file.hpp"

namespace orphancheck::cli {

int run_export(const ExportArgs& args, const checker::ExploreSpec& spec) {
    if (!args.promela) throw UsageError("export: choose a format: --promela");
    if (args.output.empty()) throw UsageError("-o: empty value");
    if (!spec.roles.empty())
        throw UsageError("export --promela with --listener yes or --connecting: the Promela model has no listener, "
                         "queued children, request or connecting sockets (check it with 'orphancheck check')");
    // Promela asserts invariants and step properties; terminal-state and liveness properties asked for by name are
    // refused, not silently left out (without --property, the file asserts every property it can).
    if (args.properties_given) {
        std::string left;
        for (properties::PropertyId p : properties::all_properties())
            if ((spec.properties & properties::bit(p)) && !(promela::assertable_properties() & properties::bit(p)))
                left += (left.empty() ? "" : ", ") + std::string(properties::info(p).name);
        if (!left.empty())
            throw UsageError(fmt::format("--property: the Promela export cannot assert {} (terminal-state and liveness "
                                         "properties: orphancheck check checks them; SPIN gets invariants and step "
                                         "properties)",
                                         left));
    }
    reports::check_output("-o", args.output, {"Promela"});
    if (args.output == "-") {
        promela::write_promela(std::cout, spec);
        std::cout.flush();
        if (!std::cout) throw UsageError("writing standard output failed");
        return 0;
    }
    std::ostringstream text;
    const promela::ExportSummary s = promela::write_promela(text, spec);
    reports::write_file_atomically(args.output, text.view());
    fmt::print("wrote {}: {} socket{}, {} configuration{}, {} socket configurations; SPIN stores orphancheck's "
               "states + {}\n",
               args.output, spec.sockets, spec.sockets == 1 ? "" : "s", s.cases, s.cases == 1 ? "" : "s",
               s.socket_configs, s.extra_states);
    return 0;
}

}  // namespace orphancheck::cli
