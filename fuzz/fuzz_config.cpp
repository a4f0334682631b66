// libFuzzer harness: a --config file, read and turned into an exploration spec as `check --config F` does.
#include "config_file.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const orphancheck::fuzz::ScratchFile file("config.toml");
    const std::string& path = file.write({reinterpret_cast<const char*>(data), size});
    orphancheck::fuzz::expect_clean([&] {
        const auto opts = orphancheck::cli::read_config_file(path);
        (void)orphancheck::cli::build_spec(opts.values, opts.properties);
    });
    return 0;
}
