// libFuzzer harness: a kernel diff, read and mapped to the model as `review DIFF --skeleton F` does.
#include "fuzz_input.hpp"
#include "orphancheck/model/row_effects.hpp"
#include "review_command.hpp"

// The row-effect masks are built once, from four extracted tables (seconds under ASan): before the first input,
// so that its time limit measures the reader.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
    (void)orphancheck::model::row_has_effect(orphancheck::model::RowId::close_fin, orphancheck::model::Effect::send_fin);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const orphancheck::fuzz::ScratchFile file("kernel.diff");
    const std::string& path = file.write({reinterpret_cast<const char*>(data), size});
    orphancheck::fuzz::expect_clean([&] {
        const auto review = orphancheck::cli::read_review(path);
        if (orphancheck::analysis::patch_skeleton(review, path).empty()) std::abort();
    });
    return 0;
}
