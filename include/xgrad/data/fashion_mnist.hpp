#pragma once
/// \file
/// MNIST-format datasets: four IDX files in one folder (train-images-idx3-ubyte,
/// train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte,
/// each plain or .gz), and Fashion-MNIST, the notebook's dataset, as Keras'
/// `fashion_mnist.load_data()` followed by the notebook's `/ 255.`:
///
///     auto fm = data::fashion_mnist::load();              // XGRAD_DATA or /usr/share/datasets/fashion-mnist
///     auto [train, valid] = data::split_at(fm.train(), 55000);
///     std::cout << fm.class_names[fm.y_train.to_vector<std::int64_t>()[0]];   // "Ankle boot"
#include <array>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "xgrad/core/tensor.hpp"
#include "xgrad/data/dataset.hpp"
#include "xgrad/data/idx.hpp"

namespace xgrad::data {

/// Images and labels of a train/test pair, as Keras' load_data() returns them.
struct TrainTestData {
    Tensor x_train;  ///< [N, rows, cols]: float32 pixels / 255 in [0, 1], or as the loader's Pixels say
    Tensor y_train;  ///< int64 [N]
    Tensor x_test;   ///< [M, rows, cols], like x_train
    Tensor y_test;   ///< int64 [M]
    /// Name of each label value (index = label).
    std::vector<std::string> class_names;

    /// (x_train, y_train) as a Dataset, sharing the tensors.
    Dataset train() const { return Dataset(x_train, y_train); }
    /// (x_test, y_test) as a Dataset, sharing the tensors.
    Dataset test() const { return Dataset(x_test, y_test); }
};

namespace mnist_format {

/// The four standard file names, without the optional ".gz".
inline constexpr std::array<std::string_view, 4> file_names = {
    "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

/// The file for `name` (one of file_names) in `dir`: name.gz, name, or the
/// variant with a dot (train-images.idx3-ubyte[.gz]) of some MNIST copies.
/// An empty path when none exists.
std::filesystem::path find_file(const std::filesystem::path& dir, std::string_view name);

/// Loads the four files from `dir`. Images as `pixels` says (idx.hpp:
/// float32 / 255, float32 0…255, or uint8 without a copy); labels int64. class_names are "0", "1", … up to the
/// largest label. IoError naming the folder and the file that is missing, any
/// file's problem (see idx.hpp), or image/label counts that differ.
TrainTestData load(const std::filesystem::path& dir, Pixels pixels = Pixels::scaled);

}  // namespace mnist_format

namespace fashion_mnist {

/// Label value → name, in Fashion-MNIST's order (0 = T-shirt/top … 9 = Ankle boot).
inline constexpr std::array<std::string_view, 10> class_names = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};

/// Where the Debian package dataset-fashion-mnist installs the files.
inline constexpr std::string_view system_dir = "/usr/share/datasets/fashion-mnist";

/// The folder load() reads: $XGRAD_DATA when set and not empty (the folder
/// holding the four files), else system_dir.
std::filesystem::path default_dir();

/// Fashion-MNIST: 60000 training and 10000 test images, 28 × 28, float32 in
/// [0, 1] (Pixels::scaled), float32 0…255 (raw) or uint8 (47 MB instead of
/// 188 MB for the training images; see nn::Rescaling); labels int64 0…9; the
/// 10 class names.
/// When the files are missing, the IoError says how to install them
/// (`sudo apt-get install dataset-fashion-mnist`, or tools/setup, or point
/// XGRAD_DATA at a folder holding them).
TrainTestData load(const std::filesystem::path& dir, Pixels pixels = Pixels::scaled);
/// Same from default_dir().
TrainTestData load(Pixels pixels = Pixels::scaled);

}  // namespace fashion_mnist

}  // namespace xgrad::data
