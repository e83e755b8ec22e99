// Fashion-MNIST from /usr/share/datasets/fashion-mnist (Debian package
// dataset-fashion-mnist, installed by tools/setup), the XGRAD_DATA override,
// the missing-dataset message, and MNIST-format folders built here.
#include <zlib.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "../test_helpers.hpp"

using namespace xgrad;
using namespace xgrad::data;
namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        static int counter = 0;
        path = fs::temp_directory_path() /
               ("xgrad_data_fm_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

/// Sets (or unsets, for nullptr) XGRAD_DATA for one scope.
struct ScopedDataEnv {
    std::string saved;
    bool had = false;
    explicit ScopedDataEnv(const char* value) {
        if (const char* old = std::getenv("XGRAD_DATA")) had = true, saved = old;
        if (value) ::setenv("XGRAD_DATA", value, 1);
        else ::unsetenv("XGRAD_DATA");
    }
    ~ScopedDataEnv() {
        if (had) ::setenv("XGRAD_DATA", saved.c_str(), 1);
        else ::unsetenv("XGRAD_DATA");
    }
};

Bytes idx(std::uint8_t ndims, const std::vector<std::uint32_t>& dims, const Bytes& data) {
    Bytes b = {0, 0, 0x08, ndims};
    for (std::uint32_t d : dims)
        for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(d >> s));
    b.insert(b.end(), data.begin(), data.end());
    return b;
}

void write(const fs::path& path, const Bytes& bytes, bool gz) {
    if (gz) {
        gzFile f = gzopen(path.c_str(), "wb");
        BOOST_REQUIRE(f != nullptr);
        BOOST_REQUIRE(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) == static_cast<int>(bytes.size()));
        gzclose(f);
    } else {
        std::ofstream f(path, std::ios::binary);
        f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    }
}

/// A tiny MNIST-format folder: 3 training images 2 x 2 with labels {4, 0, 9},
/// 2 test images with labels {1, 2}.
void write_tiny(const fs::path& dir, bool gz, const std::string& suffix = "", std::uint32_t train_labels = 3) {
    const std::string ext = gz ? ".gz" : "";
    write(dir / ("train-images-idx3-ubyte" + suffix + ext), idx(3, {3, 2, 2}, {0, 255, 51, 102, 1, 2, 3, 4, 5, 6, 7, 8}), gz);
    write(dir / ("train-labels-idx1-ubyte" + suffix + ext), idx(1, {train_labels}, Bytes(train_labels, 0)), gz);
    if (train_labels == 3) write(dir / ("train-labels-idx1-ubyte" + suffix + ext), idx(1, {3}, {4, 0, 9}), gz);
    write(dir / ("t10k-images-idx3-ubyte" + suffix + ext), idx(3, {2, 2, 2}, {10, 20, 30, 40, 50, 60, 70, 80}), gz);
    write(dir / ("t10k-labels-idx1-ubyte" + suffix + ext), idx(1, {2}, {1, 2}), gz);
}

/// The first `n` data bytes after the `header`-byte header, read with zlib directly.
Bytes raw_gz_bytes(const fs::path& path, std::size_t header, std::size_t n) {
    gzFile f = gzopen(path.c_str(), "rb");
    BOOST_REQUIRE(f != nullptr);
    Bytes b(header + n);
    BOOST_REQUIRE(gzread(f, b.data(), static_cast<unsigned>(b.size())) == static_cast<int>(b.size()));
    gzclose(f);
    return Bytes(b.begin() + static_cast<long>(header), b.end());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(data_fashion_mnist)

BOOST_AUTO_TEST_CASE(class_names_in_reference_order) {
    BOOST_TEST(fashion_mnist::class_names.size() == 10u);
    BOOST_TEST(fashion_mnist::class_names[0] == "T-shirt/top");
    BOOST_TEST(fashion_mnist::class_names[5] == "Sandal");
    BOOST_TEST(fashion_mnist::class_names[6] == "Shirt");
    BOOST_TEST(fashion_mnist::class_names[9] == "Ankle boot");
}

BOOST_AUTO_TEST_CASE(loads_the_installed_dataset) {
    ScopedDataEnv env(nullptr);
    BOOST_TEST(fashion_mnist::default_dir() == fs::path("/usr/share/datasets/fashion-mnist"));
    const auto t0 = std::chrono::steady_clock::now();
    const TrainTestData fm = fashion_mnist::load();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cerr << "fashion_mnist::load(): " << seconds << " s\n";

    BOOST_TEST((fm.x_train.shape() == Shape{60000, 28, 28}));
    BOOST_TEST((fm.y_train.shape() == Shape{60000}));
    BOOST_TEST((fm.x_test.shape() == Shape{10000, 28, 28}));
    BOOST_TEST((fm.y_test.shape() == Shape{10000}));
    BOOST_TEST((fm.x_train.dtype() == float32));
    BOOST_TEST((fm.y_train.dtype() == int64));
    BOOST_TEST(fm.class_names.size() == 10u);
    BOOST_TEST(fm.class_names[9] == "Ankle boot");

    // The first training image is an ankle boot (label 9), as in Keras' copy.
    const auto y_train = fm.y_train.to_vector<std::int64_t>();
    BOOST_TEST(y_train[0] == 9);
    BOOST_TEST(fm.y_test.to_vector<std::int64_t>()[0] == 9);
    std::vector<std::int64_t> train_counts(10), test_counts(10);
    for (std::int64_t v : y_train) ++train_counts.at(static_cast<std::size_t>(v));
    for (std::int64_t v : fm.y_test.to_vector<std::int64_t>()) ++test_counts.at(static_cast<std::size_t>(v));
    BOOST_TEST(train_counts == std::vector<std::int64_t>(10, 6000), boost::test_tools::per_element());
    BOOST_TEST(test_counts == std::vector<std::int64_t>(10, 1000), boost::test_tools::per_element());

    // Pixels / 255 in [0, 1], both ends present.
    const float* x = fm.x_train.data<float>();
    float lo = 1, hi = 0;
    for (std::int64_t i = 0; i < fm.x_train.numel(); ++i) lo = std::min(lo, x[i]), hi = std::max(hi, x[i]);
    BOOST_TEST(lo == 0.0f);
    BOOST_TEST(hi == 1.0f);

    // The first image equals the file's bytes / 255 (read here with zlib directly).
    const Bytes first = raw_gz_bytes("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz", 16, 784);
    bool same = true;
    for (std::size_t i = 0; i < first.size(); ++i) same = same && x[i] == static_cast<float>(first[i] / 255.0);
    BOOST_TEST(same);

    // The notebook's split: first 55,000 train, last 5,000 validation.
    const auto [train, valid] = split_at(fm.train(), -5000);
    BOOST_TEST(train.size() == 55000);
    BOOST_TEST(valid.size() == 5000);
    BOOST_TEST(valid.x().data<float>()[0] == x[55000 * 784]);
    BOOST_TEST(valid.y().data<std::int64_t>()[4999] == y_train[59999]);
}

BOOST_AUTO_TEST_CASE(xgrad_data_overrides_the_folder) {
    TempDir dir;
    write_tiny(dir.path, true);
    ScopedDataEnv env(dir.path.c_str());
    BOOST_TEST(fashion_mnist::default_dir() == dir.path);
    const TrainTestData d = fashion_mnist::load();
    BOOST_TEST((d.x_train.shape() == Shape{3, 2, 2}));
    BOOST_TEST(d.y_train.to_vector<std::int64_t>() == std::vector<std::int64_t>({4, 0, 9}), boost::test_tools::per_element());
    BOOST_TEST(d.x_train.to_vector<float>()[1] == 1.0f);
    BOOST_TEST(d.x_train.to_vector<float>()[2] == 0.2f);  // 51 / 255
    BOOST_TEST(d.class_names[4] == "Coat");
    // An explicit folder wins over XGRAD_DATA.
    TempDir other;
    write_tiny(other.path, false);
    BOOST_TEST((fashion_mnist::load(other.path).x_test.shape() == Shape{2, 2, 2}));
    // normalize = false keeps 0…255.
    BOOST_TEST(fashion_mnist::load(other.path, Pixels::raw).x_train.to_vector<float>()[1] == 255.0f);
}

BOOST_AUTO_TEST_CASE(missing_dataset_says_how_to_install_it) {
    TempDir dir;
    const fs::path missing = dir.path / "not-there";
    {
        ScopedDataEnv env(missing.c_str());
        CHECK_THROWS_WITH(fashion_mnist::load(), IoError,
                          "fashion_mnist::load: Fashion-MNIST not found in " + missing.string() +
                              " (from XGRAD_DATA): no train-images-idx3-ubyte[.gz]");
        CHECK_THROWS_WITH(fashion_mnist::load(), IoError, "sudo apt-get install dataset-fashion-mnist");
        CHECK_THROWS_WITH(fashion_mnist::load(), IoError, "tools/setup");
        CHECK_THROWS_WITH(fashion_mnist::load(), IoError, "set XGRAD_DATA to a folder holding");
    }
    // One file missing: named.
    write_tiny(dir.path, true);
    fs::remove(dir.path / "t10k-labels-idx1-ubyte.gz");
    CHECK_THROWS_WITH(fashion_mnist::load(dir.path), IoError, "no t10k-labels-idx1-ubyte[.gz]");
    CHECK_THROWS_WITH(mnist_format::load(dir.path), IoError,
                      "mnist_format::load: " + dir.path.string() + ": missing t10k-labels-idx1-ubyte[.gz]");
}

BOOST_AUTO_TEST_CASE(mnist_format_folders) {
    // Plain files with the dotted names of some MNIST copies.
    TempDir dir;
    write_tiny(dir.path, false);
    for (const char* name : {"train-images", "train-labels", "t10k-images", "t10k-labels"}) {
        const std::string kind = std::string(name).find("images") != std::string::npos ? "idx3" : "idx1";
        fs::rename(dir.path / (std::string(name) + "-" + kind + "-ubyte"), dir.path / (std::string(name) + "." + kind + "-ubyte"));
    }
    BOOST_TEST(mnist_format::find_file(dir.path, "train-images-idx3-ubyte") == dir.path / "train-images.idx3-ubyte");
    const TrainTestData d = mnist_format::load(dir.path);
    BOOST_TEST(d.y_test.to_vector<std::int64_t>() == std::vector<std::int64_t>({1, 2}), boost::test_tools::per_element());
    BOOST_TEST(d.x_test.to_vector<float>()[7] == static_cast<float>(80 / 255.0));
    BOOST_TEST(d.class_names.size() == 10u);  // "0" … "9": up to the largest label, 9
    BOOST_TEST(d.class_names[3] == "3");
    BOOST_TEST(d.train().size() == 3);
    BOOST_TEST(d.test().size() == 2);

    // Image and label counts must agree.
    TempDir bad;
    write_tiny(bad.path, true, "", 4);
    CHECK_THROWS_WITH(mnist_format::load(bad.path), IoError,
                      "train-images-idx3-ubyte.gz has 3 images but train-labels-idx1-ubyte.gz has 4 labels");
    // A corrupt file's error names that file.
    write(bad.path / "train-labels-idx1-ubyte.gz", idx(1, {3}, {1, 2}), true);
    CHECK_THROWS_WITH(mnist_format::load(bad.path), IoError,
                      (bad.path / "train-labels-idx1-ubyte.gz").string() + ": truncated: expected 3 data bytes");
}

BOOST_AUTO_TEST_CASE(fashion_labels_must_be_classes) {
    TempDir dir;
    write_tiny(dir.path, true);
    write(dir.path / "t10k-labels-idx1-ubyte.gz", idx(1, {2}, {1, 12}), true);
    CHECK_THROWS_WITH(fashion_mnist::load(dir.path), IoError, "label 12 is outside Fashion-MNIST's 10 classes");
}

BOOST_AUTO_TEST_SUITE_END()
