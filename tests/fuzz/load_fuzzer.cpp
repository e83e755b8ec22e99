// libFuzzer target for the model loader: any byte string must either parse
// or raise xgrad::Error — never crash, hang, leak or allocate without bound.
// Build and run (clang from Debian; see tests/fuzz/meson.build):
//   CXX=clang++ meson setup build-fuzz -Dfuzz=true -Db_sanitize=address -Db_lundef=false \
//       -Dtests=false -Dexamples=false -Dbench=false -Dnative=false
//   meson compile -C build-fuzz tests/fuzz/load_fuzzer
//   mkdir -p corpus && build-fuzz/tests/fuzz/load_fuzzer -max_total_time=60 -rss_limit_mb=1024 corpus
#include <cstddef>
#include <cstdint>
#include <span>

#include "xgrad/core/error.hpp"
#include "xgrad/io/model.hpp"
#include "xgrad/io/safetensors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto file = xgrad::io::parse_safetensors(
            std::span<const std::byte>(reinterpret_cast<const std::byte*>(data), size), "fuzz");
        const auto it = file.metadata.find("xgrad.architecture");
        if (it != file.metadata.end()) {
            auto model = xgrad::io::model_from_json(it->second);
            model->load_state_dict(file.tensors);
        }
    } catch (const xgrad::Error&) {
        // rejected cleanly
    }
    return 0;
}
