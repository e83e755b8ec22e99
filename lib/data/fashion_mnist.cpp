// MNIST-format folders and Fashion-MNIST. The four files are read in
// parallel (the 47-MB training images dominate; the others overlap with it).
#include "xgrad/data/fashion_mnist.hpp"

#include <cstdlib>
#include <future>
#include <string>

#include "xgrad/data/idx.hpp"

namespace xgrad::data {

namespace fs = std::filesystem;

namespace {

std::string file_list() {
    std::string s;
    for (std::size_t i = 0; i < mnist_format::file_names.size(); ++i) {
        s += (i == 0 ? "" : i + 1 == mnist_format::file_names.size() ? " and " : ", ");
        s += std::string(mnist_format::file_names[i]) + "[.gz]";
    }
    return s;
}

/// Loads the four files; `missing(name)` builds the message for a missing one.
template <class Missing> TrainTestData load_folder(const fs::path& dir, Pixels pixels, Missing missing) {
    fs::path files[4];
    for (std::size_t i = 0; i < 4; ++i) {
        files[i] = mnist_format::find_file(dir, mnist_format::file_names[i]);
        if (files[i].empty()) throw IoError(missing(mnist_format::file_names[i]));
    }
    auto train_labels = std::async(std::launch::async, [&] { return read_idx_labels(files[1]); });
    auto test_images = std::async(std::launch::async, [&] { return read_idx_images(files[2], pixels); });
    auto test_labels = std::async(std::launch::async, [&] { return read_idx_labels(files[3]); });
    TrainTestData d;
    d.x_train = read_idx_images(files[0], pixels);
    d.y_train = train_labels.get();
    d.x_test = test_images.get();
    d.y_test = test_labels.get();
    for (int k : {0, 2}) {
        const Tensor& x = k == 0 ? d.x_train : d.x_test;
        const Tensor& y = k == 0 ? d.y_train : d.y_test;
        if (x.size(0) != y.size(0)) {
            throw IoError(dir.string() + ": " + files[k].filename().string() + " has " + std::to_string(x.size(0)) +
                          " images but " + files[k + 1].filename().string() + " has " + std::to_string(y.size(0)) +
                          " labels");
        }
    }
    return d;
}

std::int64_t max_label(const Tensor& y) {
    std::int64_t m = -1;
    for (std::int64_t v : y.to_vector<std::int64_t>()) m = std::max(m, v);
    return m;
}

}  // namespace

namespace mnist_format {

fs::path find_file(const fs::path& dir, std::string_view name) {
    std::string dotted(name);
    if (const auto pos = dotted.find("-idx"); pos != std::string::npos) dotted[pos] = '.';
    for (const std::string& candidate : {std::string(name) + ".gz", std::string(name), dotted + ".gz", dotted}) {
        std::error_code ec;
        const fs::path p = dir / candidate;
        if (fs::exists(p, ec) && !fs::is_directory(p, ec)) return p;
    }
    return {};
}

TrainTestData load(const fs::path& dir, Pixels pixels) {
    TrainTestData d = load_folder(dir, pixels, [&](std::string_view name) {
        return "mnist_format::load: " + dir.string() + ": missing " + std::string(name) +
               "[.gz]; an MNIST-format folder holds " + file_list();
    });
    const std::int64_t classes = std::max(max_label(d.y_train), max_label(d.y_test)) + 1;
    for (std::int64_t c = 0; c < classes; ++c) d.class_names.push_back(std::to_string(c));
    return d;
}

}  // namespace mnist_format

namespace fashion_mnist {

fs::path default_dir() {
    const char* env = std::getenv("XGRAD_DATA");
    if (env != nullptr && *env != '\0') return fs::path(env);
    return fs::path(system_dir);
}

TrainTestData load(const fs::path& dir, Pixels pixels) {
    TrainTestData d = load_folder(dir, pixels, [&](std::string_view name) {
        const char* env = std::getenv("XGRAD_DATA");
        const bool from_env = env != nullptr && *env != '\0' && fs::path(env) == dir;
        return "fashion_mnist::load: Fashion-MNIST not found in " + dir.string() +
               (from_env ? " (from XGRAD_DATA)" : "") + ": no " + std::string(name) +
               "[.gz]. Install it with `sudo apt-get install dataset-fashion-mnist` (tools/setup does it; files go to " +
               std::string(system_dir) + "), or set XGRAD_DATA to a folder holding " + file_list();
    });
    for (const Tensor* y : {&d.y_train, &d.y_test}) {
        for (std::int64_t v : y->to_vector<std::int64_t>()) {
            if (v < 0 || v >= static_cast<std::int64_t>(class_names.size())) {
                throw IoError("fashion_mnist::load: " + dir.string() + ": label " + std::to_string(v) +
                              " is outside Fashion-MNIST's 10 classes");
            }
        }
    }
    for (std::string_view name : class_names) d.class_names.emplace_back(name);
    return d;
}

TrainTestData load(Pixels pixels) { return load(default_dir(), pixels); }

}  // namespace fashion_mnist

}  // namespace xgrad::data
