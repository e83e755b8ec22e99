// History::to_svg: learning curves, one panel per quantity (loss, accuracy,
// …) with its training and validation series on the same axes.
//
// Layout of a panel (left to right: tick labels, plot, gap), in pixels:
//
//   title ........................ legend [— training  - - validation]
//   ┌──────────────────────────────────────────┐
//   │ plot (kPlotW × kPlotH)                    │   y ticks: round values (1, 2, 2.5 or 5 × 10^k apart)
//   └──────────────────────────────────────────┘   x ticks: whole epochs
//                        epoch
//
// Tick labels sit in the panel's own margins and the legend above the plot,
// so neither overlaps a neighbour panel nor covers a curve. Elements carry
// class names (panel, plot, ytick, xtick, legend, series) so tests can check
// the geometry.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "xgrad/train/history.hpp"

namespace xgrad::train {
namespace {

constexpr int kPlotW = 420, kPlotH = 260;
constexpr int kLeft = 70, kRight = 30, kTop = 64, kBottom = 56;  // a panel's margins around its plot
constexpr int kPanelW = kLeft + kPlotW + kRight;

/// Ticks from `first` to `last`, `step` apart, printed with `decimals` digits.
struct Ticks {
    double first, last, step;
    int decimals;
    std::string label(double v) const {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.*f", decimals, std::abs(v) < step / 2 ? 0.0 : v);
        return buf;
    }
};

/// About `target` round ticks covering [lo, hi]: steps of 1, 2, 2.5 or 5 × 10^k
/// (whole numbers only when `integers`), the range widened to multiples of the step.
Ticks round_ticks(double lo, double hi, int target, bool integers) {
    if (!(hi > lo)) {
        const double pad = lo == 0 ? 0.5 : std::abs(lo) * 0.05;
        lo -= pad;
        hi += pad;
    }
    const double raw = (hi - lo) / target;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = 10 * magnitude;
    for (const double m : {1.0, 2.0, 2.5, 5.0}) {
        if (m * magnitude >= raw && !(integers && m == 2.5)) {
            step = m * magnitude;
            break;
        }
    }
    if (integers) step = std::max(1.0, std::round(step));
    const int decimals = std::max(0, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)) +
                                         (std::abs(step / magnitude - 2.5) < 1e-9 ? 1 : 0));
    return {std::floor(lo / step + 1e-9) * step, std::ceil(hi / step - 1e-9) * step, step, decimals};
}

std::string base_name(const std::string& key) { return key.rfind("val_", 0) == 0 ? key.substr(4) : key; }

}  // namespace

std::string History::to_svg() const {
    std::vector<std::string> bases;
    for (const auto& [key, series] : values_)
        if (std::find(bases.begin(), bases.end(), base_name(key)) == bases.end()) bases.push_back(base_name(key));
    const int panels = static_cast<int>(std::max<std::size_t>(1, bases.size()));
    std::ostringstream svg;
    svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << panels * kPanelW << "\" height=\""
        << kTop + kPlotH + kBottom << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
        << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";

    const std::size_t n = epochs_.size();
    const double first_epoch = n ? epochs_.front() : 0, last_epoch = n ? epochs_.back() : 1;
    const Ticks xt = round_ticks(first_epoch, std::max(last_epoch, first_epoch + 1), 8, true);
    const char* colors[] = {"#1f77b4", "#ff7f0e"};
    for (std::size_t p = 0; p < bases.size(); ++p) {
        const std::string& base = bases[p];
        const std::vector<std::string> keys{base, "val_" + base};
        double lo = INFINITY, hi = -INFINITY;
        for (const std::string& key : keys) {
            const auto it = values_.find(key);
            if (it == values_.end()) continue;
            for (const double v : it->second)
                if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
        }
        if (!std::isfinite(lo)) lo = 0, hi = 1;
        const Ticks yt = round_ticks(lo, hi, 5, false);
        const int x0 = static_cast<int>(p) * kPanelW + kLeft, y0 = kTop;
        const auto x_of = [&](double e) { return x0 + kPlotW * (e - xt.first) / (xt.last - xt.first); };
        const auto y_of = [&](double v) { return y0 + kPlotH - kPlotH * (v - yt.first) / (yt.last - yt.first); };

        svg << "<g class=\"panel\" data-metric=\"" << base << "\">\n";
        svg << "<text x=\"" << x0 << "\" y=\"" << y0 - 40 << "\" font-size=\"14\" font-weight=\"bold\">" << base
            << "</text>\n";
        for (int k = 0; yt.first + k * yt.step <= yt.last + yt.step / 2; ++k) {
            const double v = yt.first + k * yt.step, y = y_of(v);
            svg << "<line x1=\"" << x0 << "\" x2=\"" << x0 + kPlotW << "\" y1=\"" << y << "\" y2=\"" << y
                << "\" stroke=\"#e5e5e5\"/>\n"
                << "<text class=\"ytick\" x=\"" << x0 - 6 << "\" y=\"" << y + 4 << "\" text-anchor=\"end\">"
                << yt.label(v) << "</text>\n";
        }
        for (int k = 0; xt.first + k * xt.step <= xt.last + xt.step / 2; ++k) {
            const double e = xt.first + k * xt.step, x = x_of(e);
            svg << "<line x1=\"" << x << "\" x2=\"" << x << "\" y1=\"" << y0 + kPlotH << "\" y2=\"" << y0 + kPlotH + 5
                << "\" stroke=\"#888\"/>\n"
                << "<text class=\"xtick\" x=\"" << x << "\" y=\"" << y0 + kPlotH + 19 << "\" text-anchor=\"middle\">"
                << xt.label(e) << "</text>\n";
        }
        svg << "<rect class=\"plot\" x=\"" << x0 << "\" y=\"" << y0 << "\" width=\"" << kPlotW << "\" height=\"" << kPlotH
            << "\" fill=\"none\" stroke=\"#888\"/>\n";
        svg << "<text x=\"" << x0 + kPlotW / 2 << "\" y=\"" << y0 + kPlotH + 42
            << "\" text-anchor=\"middle\">epoch</text>\n";

        // Legend: above the plot, right-aligned, one entry per series present.
        std::vector<std::size_t> present;
        for (std::size_t s = 0; s < keys.size(); ++s)
            if (values_.count(keys[s])) present.push_back(s);
        const int entry_w = 100, legend_w = 10 + entry_w * static_cast<int>(present.size());
        const int lx = x0 + kPlotW - legend_w, ly = y0 - 28;
        svg << "<g class=\"legend\"><rect x=\"" << lx << "\" y=\"" << ly << "\" width=\"" << legend_w
            << "\" height=\"20\" fill=\"white\" stroke=\"#ccc\"/>\n";
        for (std::size_t i = 0; i < present.size(); ++i) {
            const std::size_t s = present[i];
            const int ex = lx + 8 + entry_w * static_cast<int>(i);
            svg << "<line x1=\"" << ex << "\" x2=\"" << ex + 22 << "\" y1=\"" << ly + 10 << "\" y2=\"" << ly + 10
                << "\" stroke=\"" << colors[s] << "\" stroke-width=\"2\"" << (s ? " stroke-dasharray=\"6,3\"" : "")
                << "/><text x=\"" << ex + 28 << "\" y=\"" << ly + 14 << "\">" << (s ? "validation" : "training")
                << "</text>\n";
        }
        svg << "</g>\n";

        for (const std::size_t s : present) {
            const std::vector<double>& series = values_.at(keys[s]);
            svg << "<polyline class=\"series\" data-key=\"" << keys[s] << "\" fill=\"none\" stroke=\"" << colors[s]
                << "\" stroke-width=\"2\"" << (s ? " stroke-dasharray=\"6,4\"" : "") << " points=\"";
            for (std::size_t i = 0; i < n; ++i)
                if (std::isfinite(series[i])) svg << x_of(epochs_[i]) << ',' << y_of(series[i]) << ' ';
            svg << "\"/>\n";
        }
        svg << "</g>\n";
    }
    svg << "</svg>\n";
    return svg.str();
}

}  // namespace xgrad::train
