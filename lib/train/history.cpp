#include "xgrad/train/history.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "io/atomic_file.hpp"
#include "xgrad/core/error.hpp"

namespace xgrad::train {

void History::append(int epoch, const std::map<std::string, double>& logs) {
    for (const auto& [key, value] : logs) {
        auto& series = values_[key];
        // A key that first appears late (e.g. a callback's) is padded with NaN.
        series.resize(epochs_.size(), NAN);
        series.push_back(value);
    }
    epochs_.push_back(epoch);
    for (auto& [key, series] : values_) series.resize(epochs_.size(), NAN);
}

const std::vector<double>& History::operator[](const std::string& key) const {
    const auto it = values_.find(key);
    if (it == values_.end()) {
        std::string known;
        for (const auto& [k, v] : values_) known += (known.empty() ? "" : ", ") + k;
        throw ValueError("History: no values for '" + key + "' (known: " + known + ")");
    }
    return it->second;
}

std::string History::to_csv() const {
    std::ostringstream os;
    os << "epoch";
    for (const auto& [key, series] : values_) os << ',' << key;
    os << '\n';
    char buf[64];
    for (std::size_t i = 0; i < epochs_.size(); ++i) {
        os << epochs_[i];
        for (const auto& [key, series] : values_) {
            std::snprintf(buf, sizeof buf, "%.17g", series[i]);
            os << ',' << buf;
        }
        os << '\n';
    }
    return os.str();
}

void History::write_csv(const std::string& path) const { io::detail::write_file_atomically(path, to_csv()); }

void History::write_svg(const std::string& path) const { io::detail::write_file_atomically(path, to_svg()); }

}  // namespace xgrad::train
