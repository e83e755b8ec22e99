#include "train_data.hpp"

#include <algorithm>
#include <span>
#include <vector>

#include <xgrad/core/error.hpp>
#include <xgrad/data/fashion_mnist.hpp>
#include <xgrad/data/numpy.hpp>
#include <xgrad/data/standardize.hpp>
#include <xgrad/nn/dense.hpp>
#include <xgrad/nn/flatten.hpp>

namespace xgrad::cli {

namespace {

/// One row's shape: `x`'s without the first dimension.
Shape row_shape(const Tensor& x) { return Shape(std::span(x.shape().begin() + 1, x.shape().end())); }

}  // namespace

TrainingData fashion_mnist_data(const std::string& dir, bool standardize) {
    const auto fm = dir.empty() ? data::fashion_mnist::load() : data::fashion_mnist::load(dir);
    auto [train, valid] = data::split_at(fm.train(), 55000);
    TrainingData d{train, valid, fm.test()};
    if (standardize) {
        // The notebook standardizes inputs for the self-normalizing net (statistics from training data only).
        const data::Standardizer standardizer(train.x());
        d.train = data::Dataset(standardizer(train.x()), train.y());
        d.valid = data::Dataset(standardizer(valid.x()), valid.y());
        d.test = data::Dataset(standardizer(fm.test().x()), fm.test().y());
    }
    return d;
}

TrainingData npz_data(const std::string& path) {
    const auto arrays = data::read_npz(path);
    const auto array = [&](const std::string& key) {
        const auto found = arrays.find(key);
        if (found != arrays.end()) return found->second;
        std::string keys;
        for (const auto& [name, t] : arrays) keys += (keys.empty() ? "" : ", ") + name;
        throw ValueError(path + ": no array '" + key + "' (it holds: " + (keys.empty() ? "none" : keys) + ")");
    };
    std::int64_t classes = 0;
    const auto dataset = [&](const std::string& x_key, const std::string& y_key) {
        const Tensor x = array(x_key), y = array(y_key);
        if (x.rank() < 2)
            throw ShapeError(path + ": " + x_key + " must be [samples, features...], got " + to_string(x.shape()));
        const Shape row = row_shape(x);
        if (row.numel() > max_npz_features)
            throw ShapeError(path + ": " + x_key + " is " + to_string(x.shape()) + ", " + std::to_string(row.numel()) +
                             " features per row; at most " + std::to_string(max_npz_features) +
                             " features per row (the first Dense layer has 300 weights per feature)");
        if (y.rank() != 1 || y.size(0) != x.size(0))
            throw ShapeError(path + ": " + y_key + " must be [" + std::to_string(x.size(0)) + "] (one label per row of " +
                             x_key + "), got " + to_string(y.shape()));
        if (y.dtype() != int64 && y.dtype() != uint8)
            throw DtypeError(path + ": " + y_key + " must hold integer class labels, got " +
                             std::string(dtype_name(y.dtype())));
        const Tensor labels = y.to(int64);
        const std::vector<std::int64_t> values = labels.to_vector<std::int64_t>();
        for (std::size_t row = 0; row < values.size(); ++row) {
            const std::int64_t v = values[row];
            const auto bad = [&](const std::string& what) {
                throw ValueError(path + ": " + y_key + " holds the " + what + " " + std::to_string(v) + " at row " +
                                 std::to_string(row) + "; labels are class indices from 0 to " +
                                 std::to_string(max_npz_classes - 1) + " (at most " +
                                 std::to_string(max_npz_classes) + " classes)");
            };
            if (v < 0) bad("negative label");
            if (v >= max_npz_classes) bad("label");
            classes = std::max(classes, v + 1);
        }
        return data::Dataset(x.to(float32), labels);
    };
    const data::Dataset full = dataset("x_train", "y_train");
    if (full.size() < 2) throw ValueError(path + ": x_train needs at least 2 rows (one to train, one to validate)");
    auto [train, valid] = data::split_at(full, full.size() - std::max<std::int64_t>(1, full.size() / 10));
    const bool has_test = arrays.contains("x_test") || arrays.contains("y_test");
    const data::Dataset test = has_test ? dataset("x_test", "y_test") : data::Dataset();
    if (has_test && row_shape(test.x()) != row_shape(full.x()))
        throw ShapeError(path + ": x_test rows are " + to_string(row_shape(test.x())) + ", x_train rows " +
                         to_string(row_shape(full.x())) + " (the model takes x_train's)");
    if (classes < 2) throw ValueError(path + ": the labels name fewer than 2 classes");
    return {train, valid, test, classes};
}

nn::Sequential dense_model(const Tensor& x, std::int64_t classes, const nn::ActivationFn& activation,
                           const nn::InitializerRef& init) {
    return nn::Sequential{nn::Flatten(row_shape(x)), nn::Dense(300, activation, init),
                          nn::Dense(100, activation, init), nn::Dense(classes, "softmax")};
}

}  // namespace xgrad::cli
