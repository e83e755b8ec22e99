#pragma once
// Command-line parsing for the xgrad tool: `command --key value` pairs, with
// errors that name the bad flag.
#include <initializer_list>
#include <map>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <xgrad/nn/activations.hpp>
#include <xgrad/nn/init.hpp>
#include <xgrad/nn/module.hpp>

namespace xgrad::optim {
class Optimizer;
}

namespace xgrad::cli {

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Options {
    std::string command;
    std::map<std::string, std::string> values;

    static Options parse(int argc, char** argv);
    bool has(const std::string& key) const { return values.count(key) > 0; }
    std::string get(const std::string& key, const std::string& fallback) const;
    /// The integer value of --key in [min, max] (UsageError naming the flag,
    /// the range and the text otherwise, including values that overflow).
    std::int64_t get_int(const std::string& key, std::int64_t fallback, std::int64_t min, std::int64_t max) const;
    /// The positive integers of --key written "28,28" (UsageError naming the flag otherwise); --key must be set.
    std::vector<std::int64_t> get_dims(const std::string& key) const;
    /// The finite number value of --key, > 0 (or >= 0 when zero_ok).
    double get_double(const std::string& key, double fallback, bool zero_ok = false) const;
    /// UsageError naming the first flag not in `known`.
    void check_known(std::initializer_list<const char*> known) const;
};

/// Makes the optimizer named by --optimizer, with --lr and the clipping
/// flags, over a model's trainable parameters.
using OptimizerFactory = std::function<std::shared_ptr<optim::Optimizer>(nn::Module&)>;
/// Checks the optimizer flags now (UsageError), before any data is read.
/// `default_lr` < 0 means the optimizer's Keras default.
OptimizerFactory optimizer_factory(const Options& o, double default_lr);

/// The hidden activation named by --activation (default relu); UsageError naming the flag for an unknown name.
nn::ActivationFn activation(const Options& o);
/// The kernel initializer named by --init (default he_normal); UsageError naming the flag for an unknown name.
nn::InitializerRef initializer(const Options& o);

}  // namespace xgrad::cli
