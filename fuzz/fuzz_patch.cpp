// libFuzzer harness: a --patch file, read into a table patch as `check --patch F` does.
#include "fuzz_input.hpp"
#include "patch_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const orphancheck::fuzz::ScratchFile file("patch.toml");
    const std::string& path = file.write({reinterpret_cast<const char*>(data), size});
    orphancheck::fuzz::expect_clean([&] {
        orphancheck::model::TablePatch patch;
        orphancheck::cli::read_patch_file(path, patch);
    });
    return 0;
}
