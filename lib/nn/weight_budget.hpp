#pragma once
// A per-thread cap on the bytes Module::add_weight() may create, for building
// a model from an untrusted architecture: io::load() sets it to the size of
// the tensors in the file, so a file of a few kilobytes that declares
// Dense(units=20000000) fails before anything that large is allocated.
// While it is set, weights are created as zeros without running their
// initializers (the file's tensors replace them), so loading is linear in
// the file's size even with an "orthogonal" initializer.
#include <cstdint>
#include <optional>

namespace xgrad::nn::detail {

class WeightBudget {
public:
    explicit WeightBudget(std::uint64_t bytes) noexcept;
    ~WeightBudget();
    WeightBudget(const WeightBudget&) = delete;
    WeightBudget& operator=(const WeightBudget&) = delete;

    /// Bytes left on this thread, or nothing when no budget is set.
    static std::optional<std::uint64_t> remaining() noexcept;
    /// Takes `bytes` from this thread's budget (the caller checked remaining()).
    static void spend(std::uint64_t bytes) noexcept;

private:
    std::optional<std::uint64_t> saved_;
};

}  // namespace xgrad::nn::detail
