// libFuzzer target for the model loader: any byte string must either load
// or raise xgrad::Error — never crash, hang, leak or allocate without bound —
// and a model that loads must run one forward pass (inference) on a zero
// batch of its built input shape, or raise xgrad::Error: files that loaded
// and then broke on first use (a window size that overflowed the buffer
// im2col wrote into, a max pool looping over 2^62 rows) are what the loader
// alone never exercises. The forward pass is skipped for inputs larger than
// max_forward_values, so its cost stays bounded by the file's own weights.
// The same entry point replays the seed corpus (tests/fuzz/corpus: valid
// models — an MLP, a small CNN, a functional model — and the hostile files
// of tests/io and tests/nn) as an ordinary test, so every build, the sanitizer one included,
// checks the seeds (replay_main.cpp).
// A fuzzing session (clang from Debian; see tests/fuzz/meson.build):
//   CXX=clang++ meson setup build-fuzz -Dfuzz=true -Db_sanitize=address -Db_lundef=false
//       -Dtests=false -Dexamples=false -Dbench=false -Dnative=false     (one command)
//   meson compile -C build-fuzz load_fuzzer
//   cp -r tests/fuzz/corpus /tmp/corpus
//   build-fuzz/tests/fuzz/load_fuzzer -max_total_time=300 -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=20 /tmp/corpus
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "xgrad/core/error.hpp"
#include "xgrad/io/model.hpp"
#include "xgrad/nn/functional.hpp"
#include "xgrad/nn/module.hpp"

namespace {

// Values per sample of the zero batch: a 28x28 image is 784; 64x64 RGB, 12,288.
constexpr std::int64_t max_forward_values = std::int64_t{1} << 14;

// A zero batch of two samples of `shape` ([batch, …]), or nothing when a
// dimension is unknown or a sample would hold more than max_forward_values.
std::optional<xgrad::Tensor> zero_batch(xgrad::Shape shape, xgrad::Dtype dtype) {
    if (shape.empty()) return std::nullopt;
    shape[0] = 2;
    std::int64_t values = 1;
    for (std::size_t i = 1; i < shape.size(); ++i) {
        if (shape[i] < 0 || __builtin_mul_overflow(values, shape[i], &values) || values > max_forward_values)
            return std::nullopt;
    }
    return xgrad::zeros(shape, dtype);
}

// One forward pass on zero batches, when the model was built for a known,
// small input shape (a functional model: its inputs' declared shapes).
void run_forward(xgrad::nn::Module& model) {
    if (auto* functional = dynamic_cast<xgrad::nn::Model*>(&model)) {
        std::vector<xgrad::Tensor> inputs;
        for (const xgrad::Shape& shape : functional->inputs()) {
            std::optional<xgrad::Tensor> batch = zero_batch(shape, model.dtype());
            if (!batch) return;
            inputs.push_back(std::move(*batch));
        }
        (*functional)(inputs, false);
        return;
    }
    const auto& built = model.build_input_shape();
    if (!built) return;
    if (const std::optional<xgrad::Tensor> batch = zero_batch(*built, model.dtype())) model(*batch, false);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const xgrad::nn::ModulePtr model = xgrad::io::load_from_memory(
            std::span<const std::byte>(reinterpret_cast<const std::byte*>(data), size), "fuzz");
        run_forward(*model);
    } catch (const xgrad::Error&) {
        // rejected cleanly
    }
    return 0;
}
