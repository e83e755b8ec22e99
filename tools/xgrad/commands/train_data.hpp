#pragma once
// What `xgrad train` trains, validates and tests on: Fashion-MNIST or the
// arrays of --data-npz.
#include <cstdint>
#include <string>

#include <xgrad/data/dataset.hpp>
#include <xgrad/nn/activations.hpp>
#include <xgrad/nn/init.hpp>
#include <xgrad/nn/sequential.hpp>

namespace xgrad::cli {

/// The most classes --data-npz takes (labels 0 … 65,535): the output layer
/// has one unit per class up to the largest label, so one stray label must not
/// ask for gigabytes (2,000,000 would make a 3.6 GB Dense layer).
constexpr std::int64_t max_npz_classes = 65'536;

/// The most features per row --data-npz takes (2^20): the first Dense layer
/// has 300 weights per feature, so 4,000,000 features (an 8 KB compressed
/// file) would ask for a 4.8 GB kernel before its gradients and moments.
constexpr std::int64_t max_npz_features = 1 << 20;

struct TrainingData {
    data::Dataset train, valid, test;
    std::int64_t classes = 10;
};

/// Fashion-MNIST from `dir` (the default folder when empty): the first
/// 55,000 training images train, the last 5,000 validate; `standardize`
/// standardizes all three with the training images' statistics.
TrainingData fashion_mnist_data(const std::string& dir, bool standardize);

/// --data-npz FILE: x_train and y_train, optionally x_test and y_test; the
/// last 10% of the training rows validate. Features become float32.
TrainingData npz_data(const std::string& path);

/// The 300-100 MLP for inputs shaped like one row of `x` and `classes` outputs.
nn::Sequential dense_model(const Tensor& x, std::int64_t classes, const nn::ActivationFn& activation,
                           const nn::InitializerRef& init);

}  // namespace xgrad::cli
