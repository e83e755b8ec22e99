// GradientMonitor's outputs: the terminal table, the long-format CSV and the SVG.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <sstream>

#include "io/atomic_file.hpp"
#include "xgrad/train/gradient_monitor.hpp"

namespace xgrad::train {

namespace {

/// A figure for the table: "-" where it does not apply.
std::string cell(double v, const char* format = "%.3g") {
    if (std::isnan(v)) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

std::string pad(const std::string& s, std::size_t width) {
    return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}

std::string xml_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '&': out += "&amp;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

/// Viridis-like ramp for t in [0, 1] (dark blue → green → yellow).
std::string ramp(double t) {
    static constexpr std::array<std::array<double, 3>, 5> stops = {
        {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}}};
    t = std::clamp(t, 0.0, 1.0) * (stops.size() - 1);
    const auto i = std::min(static_cast<std::size_t>(t), stops.size() - 2);
    const double f = t - static_cast<double>(i);
    char buf[16];
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", static_cast<int>(stops[i][0] + f * (stops[i + 1][0] - stops[i][0])),
                  static_cast<int>(stops[i][1] + f * (stops[i + 1][1] - stops[i][1])),
                  static_cast<int>(stops[i][2] + f * (stops[i + 1][2] - stops[i][2])));
    return buf;
}

}  // namespace

void GradientMonitor::print(std::ostream& out) const {
    if (records_.empty()) {
        out << "GradientMonitor: no step recorded yet\n";
        return;
    }
    const StepRecord& last = records_.back();
    std::size_t name_width = 5;
    for (const MonitoredLayer& l : layers_) name_width = std::max(name_width, l.name.size() + 1);
    out << "step " << last.step << (std::isnan(last.loss) ? "" : ", loss " + cell(last.loss, "%.4g")) << "\n";
    out << pad("layer", name_width) << pad("activation", 12) << pad("act mean", 10) << pad("act std", 10)
        << pad("dead", 7) << pad("satur.", 7) << pad("|dL/dout|", 11) << pad("|dL/dW|", 11) << "|dw|/|w|\n";
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        const LayerStats& s = last.layers[i];
        const std::string activation = layers_[i].activation.empty() ? layers_[i].type : layers_[i].activation;
        out << pad(layers_[i].name, name_width) << pad(activation, 12) << pad(cell(s.activation_mean), 10)
            << pad(cell(s.activation_std), 10) << pad(cell(100 * s.dead_fraction, "%.0f%%"), 7)
            << pad(cell(100 * s.saturated_fraction, "%.0f%%"), 7) << pad(cell(s.output_grad_norm, "%.2e"), 11)
            << pad(cell(s.grad_norm, "%.2e"), 11) << cell(s.update_ratio, "%.2e") << (s.non_finite ? "  non-finite" : "")
            << "\n";
    }
    out << "diagnosis:\n";
    for (const Finding& f : diagnose()) out << "  - " << f.message << "\n";
}

std::string GradientMonitor::to_csv() const {
    std::ostringstream os;
    os << "step,layer,metric,value\n";
    char buf[40];
    const auto row = [&](std::int64_t step, const std::string& layer, const std::string& metric, double v) {
        if (std::isnan(v)) return;
        std::snprintf(buf, sizeof buf, "%.9g", v);
        os << step << ',' << layer << ',' << metric << ',' << buf << '\n';
    };
    for (const StepRecord& r : records_) {
        row(r.step, "", "loss", r.loss);
        for (std::size_t i = 0; i < r.layers.size(); ++i) {
            const LayerStats& s = r.layers[i];
            const std::string& name = layers_[i].name;
            row(r.step, name, "activation_mean", s.activation_mean);
            row(r.step, name, "activation_std", s.activation_std);
            row(r.step, name, "dead_fraction", s.dead_fraction);
            row(r.step, name, "saturated_fraction", s.saturated_fraction);
            row(r.step, name, "output_grad_norm", s.output_grad_norm);
            row(r.step, name, "grad_norm", s.grad_norm);
            row(r.step, name, "update_ratio", s.update_ratio);
            for (const WeightStats& w : s.weights) {
                row(r.step, name, "grad_norm." + w.name, w.grad_norm);
                row(r.step, name, "update_ratio." + w.name, w.update_ratio);
            }
        }
    }
    return os.str();
}

void GradientMonitor::write_csv(const std::string& path) const { io::detail::write_file_atomically(path, to_csv()); }

std::string GradientMonitor::to_svg() const {
    // Layout: heatmap (rows: layers from the input down; columns: recorded
    // steps), a colour bar, then the update-ratio panel with the same x axis.
    const std::size_t cols = std::max<std::size_t>(records_.size(), 1);
    const std::size_t rows = std::max<std::size_t>(layers_.size(), 1);
    const double left = 170, top = 50, plot_w = 640;
    const double cell_w = plot_w / static_cast<double>(cols);
    const double cell_h = std::clamp(420.0 / static_cast<double>(rows), 6.0, 22.0);
    const double heat_h = cell_h * static_cast<double>(rows);
    const double ratio_top = top + heat_h + 80, ratio_h = 220;
    const double width = left + plot_w + 120, height = ratio_top + ratio_h + 60;

    double lo = INFINITY, hi = -INFINITY;
    for (const StepRecord& r : records_) {
        for (const LayerStats& s : r.layers) {
            if (std::isfinite(s.output_grad_norm) && s.output_grad_norm > 0) {
                lo = std::min(lo, std::log10(s.output_grad_norm));
                hi = std::max(hi, std::log10(s.output_grad_norm));
            }
        }
    }
    if (!(lo <= hi)) lo = hi = 0;
    lo = std::floor(lo);
    hi = std::max(std::ceil(hi), lo + 1);

    std::ostringstream svg;
    svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
        << "\" font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    svg << "<text x=\"" << left << "\" y=\"24\" font-size=\"15\">Gradient norm |dL/d output| per layer (log10), "
        << "input at the top</text>\n";
    const auto x_of = [&](std::size_t col) { return left + cell_w * static_cast<double>(col); };
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        const double y = top + cell_h * static_cast<double>(i);
        if (cell_h >= 9 || i % static_cast<std::size_t>(std::ceil(9 / cell_h)) == 0) {
            svg << "<text x=\"" << left - 6 << "\" y=\"" << y + cell_h * 0.75 << "\" text-anchor=\"end\">"
                << xml_escape(layers_[i].name) << "</text>\n";
        }
        for (std::size_t c = 0; c < records_.size(); ++c) {
            if (i >= records_[c].layers.size()) continue;  // a layer first called after this record
            const LayerStats& s = records_[c].layers[i];
            const double v = s.output_grad_norm;
            std::string fill = "#dddddd";  // no gradient for this layer
            if (s.non_finite) fill = "#d62728";
            else if (std::isfinite(v) && v > 0) fill = ramp((std::log10(v) - lo) / (hi - lo));
            else if (v == 0) fill = "#000000";
            svg << "<rect x=\"" << x_of(c) << "\" y=\"" << y << "\" width=\"" << cell_w + 0.5 << "\" height=\""
                << cell_h + 0.5 << "\" fill=\"" << fill << "\"><title>" << xml_escape(layers_[i].name) << ", step "
                << records_[c].step << ": " << cell(v, "%.3e") << "</title></rect>\n";
        }
    }
    // Step labels, at most ~8, under a panel whose bottom is at `y`.
    const std::size_t every_col = std::max<std::size_t>(1, (records_.size() + 7) / 8);
    const auto step_labels = [&](double y) {
        for (std::size_t c = 0; c < records_.size(); c += every_col) {
            svg << "<text x=\"" << x_of(c) + cell_w / 2 << "\" y=\"" << y + 16 << "\" text-anchor=\"middle\">"
                << records_[c].step << "</text>\n";
        }
    };
    step_labels(top + heat_h);
    svg << "<text x=\"" << left + plot_w / 2 << "\" y=\"" << top + heat_h + 34
        << "\" text-anchor=\"middle\">training step</text>\n";
    // Colour bar.
    const double bar_x = left + plot_w + 30;
    for (int k = 0; k < 50; ++k) {
        svg << "<rect x=\"" << bar_x << "\" y=\"" << top + heat_h * (1 - (k + 1) / 50.0) << "\" width=\"16\" height=\""
            << heat_h / 50 + 0.5 << "\" fill=\"" << ramp(k / 49.0) << "\"/>\n";
    }
    svg << "<text x=\"" << bar_x + 20 << "\" y=\"" << top + 10 << "\">1e" << hi << "</text>\n";
    svg << "<text x=\"" << bar_x + 20 << "\" y=\"" << top + heat_h << "\">1e" << lo << "</text>\n";

    // Update ratio panel: log10 axis from 1e-7 to 1e1, one line per layer with weights.
    const double r_lo = -7, r_hi = 1;
    const auto y_of = [&](double log_ratio) {
        return ratio_top + ratio_h * (1 - (std::clamp(log_ratio, r_lo, r_hi) - r_lo) / (r_hi - r_lo));
    };
    svg << "<text x=\"" << left << "\" y=\"" << ratio_top - 14
        << "\" font-size=\"15\">Update ratio |dw| / |w| per layer (log10; dashed: 1e-3)</text>\n";
    svg << "<rect x=\"" << left << "\" y=\"" << ratio_top << "\" width=\"" << plot_w << "\" height=\"" << ratio_h
        << "\" fill=\"none\" stroke=\"#888\"/>\n";
    for (int e = static_cast<int>(r_lo); e <= static_cast<int>(r_hi); e += 2) {
        svg << "<text x=\"" << left - 6 << "\" y=\"" << y_of(e) + 4 << "\" text-anchor=\"end\">1e" << e << "</text>\n";
    }
    svg << "<line x1=\"" << left << "\" x2=\"" << left + plot_w << "\" y1=\"" << y_of(-3) << "\" y2=\"" << y_of(-3)
        << "\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>\n";
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        std::string points;
        for (std::size_t c = 0; c < records_.size(); ++c) {
            if (i >= records_[c].layers.size()) continue;
            const double r = records_[c].layers[i].update_ratio;
            if (!std::isfinite(r) || r <= 0) continue;
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.1f,%.1f ", x_of(c) + cell_w / 2, y_of(std::log10(r)));
            points += buf;
        }
        if (points.empty()) continue;
        svg << "<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\""
            << ramp(static_cast<double>(i) / static_cast<double>(rows)) << "\" points=\"" << points << "\"><title>"
            << xml_escape(layers_[i].name) << "</title></polyline>\n";
    }
    step_labels(ratio_top + ratio_h);
    svg << "<text x=\"" << left + plot_w / 2 << "\" y=\"" << ratio_top + ratio_h + 34
        << "\" text-anchor=\"middle\">training step (line colour: depth, dark = input; values below 1e-7 drawn at "
           "1e-7)</text>\n";
    svg << "</svg>\n";
    return svg.str();
}

void GradientMonitor::write_svg(const std::string& path) const { io::detail::write_file_atomically(path, to_svg()); }

}  // namespace xgrad::train
