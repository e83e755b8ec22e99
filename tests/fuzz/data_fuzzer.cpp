// libFuzzer target for the data readers: the first byte picks the reader
// (0 .npy, 1 .npz, 2 CSV with a label column "label"), the rest is the file.
// Any input must load or raise xgrad::Error — never crash, hang, leak or
// allocate without bound. Replayed over tests/fuzz/data_corpus in every
// build, as load_fuzzer.cpp is (see there for a fuzzing session; the target
// is data_fuzzer).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "xgrad/core/error.hpp"
#include "xgrad/data/csv.hpp"
#include "xgrad/data/numpy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::span<const std::byte> file(reinterpret_cast<const std::byte*>(data) + 1, size - 1);
    try {
        switch (data[0] % 3) {
            case 0: xgrad::data::parse_npy(file, "fuzz.npy"); break;
            case 1: xgrad::data::parse_npz(file, "fuzz.npz"); break;
            default:
                xgrad::data::parse_csv(std::string_view(reinterpret_cast<const char*>(file.data()), file.size()),
                                       "fuzz.csv", {.label_column = "label"});
        }
    } catch (const xgrad::Error&) {
        // rejected cleanly
    }
    return 0;
}
