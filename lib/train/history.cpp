#include "xgrad/train/history.hpp"

#include <algorithm>
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

std::string History::to_svg() const {
    // One panel per base quantity ("loss", "accuracy"), each with its training
    // series (solid) and validation series (dashed).
    std::vector<std::string> bases;
    for (const auto& [key, series] : values_) {
        const std::string base = key.rfind("val_", 0) == 0 ? key.substr(4) : key;
        if (std::find(bases.begin(), bases.end(), base) == bases.end()) bases.push_back(base);
    }
    const int panel_w = 420, panel_h = 280, margin = 50;
    const int width = static_cast<int>(std::max<std::size_t>(1, bases.size())) * (panel_w + margin) + margin;
    const int height = panel_h + 2 * margin;
    std::ostringstream svg;
    svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
        << "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    const std::size_t n = epochs_.size();
    for (std::size_t p = 0; p < bases.size(); ++p) {
        const std::string& base = bases[p];
        const int x0 = margin + static_cast<int>(p) * (panel_w + margin), y0 = margin;
        double lo = INFINITY, hi = -INFINITY;
        for (const std::string& key : {base, "val_" + base}) {
            const auto it = values_.find(key);
            if (it == values_.end()) continue;
            for (double v : it->second)
                if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
        }
        if (!std::isfinite(lo)) lo = 0, hi = 1;
        if (hi - lo < 1e-12) hi = lo + 1;
        svg << "<text x=\"" << x0 + panel_w / 2 << "\" y=\"" << y0 - 15 << "\" text-anchor=\"middle\" font-size=\"14\">"
            << base << "</text>\n";
        svg << "<rect x=\"" << x0 << "\" y=\"" << y0 << "\" width=\"" << panel_w << "\" height=\"" << panel_h
            << "\" fill=\"none\" stroke=\"#888\"/>\n";
        char label[64];
        for (int t = 0; t <= 4; ++t) {
            const double v = lo + (hi - lo) * t / 4;
            const int y = y0 + panel_h - panel_h * t / 4;
            std::snprintf(label, sizeof label, "%.4g", v);
            svg << "<text x=\"" << x0 - 5 << "\" y=\"" << y + 4 << "\" text-anchor=\"end\">" << label << "</text>\n";
            svg << "<line x1=\"" << x0 << "\" x2=\"" << x0 + panel_w << "\" y1=\"" << y << "\" y2=\"" << y
                << "\" stroke=\"#eee\"/>\n";
        }
        svg << "<text x=\"" << x0 + panel_w / 2 << "\" y=\"" << y0 + panel_h + 30 << "\" text-anchor=\"middle\">epoch</text>\n";
        auto x_of = [&](std::size_t i) { return x0 + (n > 1 ? panel_w * static_cast<double>(i) / (n - 1) : panel_w / 2.0); };
        auto y_of = [&](double v) { return y0 + panel_h - panel_h * (v - lo) / (hi - lo); };
        const char* colors[] = {"#1f77b4", "#ff7f0e"};
        int series_index = 0;
        for (const std::string& key : {base, "val_" + base}) {
            const auto it = values_.find(key);
            if (it == values_.end()) continue;
            const char* color = colors[series_index];
            svg << "<polyline fill=\"none\" stroke=\"" << color << "\" stroke-width=\"2\""
                << (series_index ? " stroke-dasharray=\"6,4\"" : "") << " points=\"";
            for (std::size_t i = 0; i < n; ++i)
                if (std::isfinite(it->second[i])) svg << x_of(i) << ',' << y_of(it->second[i]) << ' ';
            svg << "\"/>\n";
            svg << "<text x=\"" << x0 + 10 << "\" y=\"" << y0 + 18 + 16 * series_index << "\" fill=\"" << color << "\">"
                << (series_index ? "validation" : "training") << "</text>\n";
            ++series_index;
        }
    }
    svg << "</svg>\n";
    return svg.str();
}

void History::write_svg(const std::string& path) const { io::detail::write_file_atomically(path, to_svg()); }

}  // namespace xgrad::train
