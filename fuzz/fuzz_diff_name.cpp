// libFuzzer harness: a model name of `diff A B` ("linux-6.12+fix.toml", ...). The input's first line is the name;
// each "@" in it stands for a patch file holding the rest of the input, so the name parser and the patch reader
// are exercised together.
#include <string>

#include "diff_command.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const orphancheck::fuzz::ScratchFile file("model.toml");
    const std::string input(reinterpret_cast<const char*>(data), size);
    const std::size_t eol = input.find('\n');
    const std::string& patch_path = file.write(eol == std::string::npos ? std::string_view{} : input.substr(eol + 1));
    std::string name;
    for (const char c : input.substr(0, eol)) name += c == '@' ? patch_path : std::string(1, c);
    orphancheck::fuzz::expect_clean([&] { (void)orphancheck::cli::model_ref(name, {{"sockets", "1"}}); });
    return 0;
}
