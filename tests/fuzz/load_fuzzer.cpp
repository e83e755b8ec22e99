// libFuzzer target for the model loader: any byte string must either load
// or raise xgrad::Error — never crash, hang, leak or allocate without bound.
// The same entry point replays the seed corpus (tests/fuzz/corpus: a valid
// model and the hostile files of tests/io) as an ordinary test, so every
// build, the sanitizer one included, checks the seeds (replay_main.cpp).
// A fuzzing session (clang from Debian; see tests/fuzz/meson.build):
//   CXX=clang++ meson setup build-fuzz -Dfuzz=true -Db_sanitize=address -Db_lundef=false
//       -Dtests=false -Dexamples=false -Dbench=false -Dnative=false     (one command)
//   meson compile -C build-fuzz load_fuzzer
//   cp -r tests/fuzz/corpus /tmp/corpus
//   build-fuzz/tests/fuzz/load_fuzzer -max_total_time=60 -rss_limit_mb=1024 -malloc_limit_mb=512 /tmp/corpus
#include <cstddef>
#include <cstdint>
#include <span>

#include "xgrad/core/error.hpp"
#include "xgrad/io/model.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        xgrad::io::load_from_memory(std::span<const std::byte>(reinterpret_cast<const std::byte*>(data), size),
                                    "fuzz");
    } catch (const xgrad::Error&) {
        // rejected cleanly
    }
    return 0;
}
