// libFuzzer harness: the option values of `check` (the CLI's option parser after CLI11 has split the words).
// Each input line is NAME=VALUE (an option of check_options(), or "property" for --property).
#include <string>
#include <vector>

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    orphancheck::cli::OptionValues values;
    std::vector<std::string> props;
    for (std::size_t at = 0; at <= input.size();) {
        const std::size_t eol = std::min(input.find('\n', at), input.size());
        const std::string line = input.substr(at, eol - at);
        at = eol + 1;
        const std::size_t eq = line.find('=');
        if (eq == std::string::npos) continue;
        if (line.compare(0, eq, "property") == 0)
            props.push_back(line.substr(eq + 1));
        else
            values[line.substr(0, eq)] = line.substr(eq + 1);
    }
    orphancheck::fuzz::expect_clean([&] { (void)orphancheck::cli::build_spec(values, props); });
    return 0;
}
