// GradientMonitor::diagnose(): the rules of DiagnosisThresholds applied to
// the latest record, each finding with its layer range and evidence.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "xgrad/train/gradient_monitor.hpp"

namespace xgrad::train {

const char* to_string(Finding::Kind kind) noexcept {
    switch (kind) {
        case Finding::Kind::healthy: return "healthy";
        case Finding::Kind::vanishing: return "vanishing";
        case Finding::Kind::exploding: return "exploding";
        case Finding::Kind::dead_units: return "dead_units";
        case Finding::Kind::saturation: return "saturation";
        case Finding::Kind::update_ratio: return "update_ratio";
    }
    return "unknown";
}

namespace {

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2g", v);
    return buf;
}

std::string percent(double fraction) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f%%", 100 * fraction);
    return buf;
}

}  // namespace

std::vector<Finding> GradientMonitor::diagnose() const {
    if (records_.empty()) return {};
    const StepRecord& last = records_.back();
    const DiagnosisThresholds& th = options_.thresholds;
    const auto layer_text = [&](std::size_t i) { return layers_[i].name + " (layer " + std::to_string(i + 1) + ")"; };
    const auto range_text = [&](std::size_t a, std::size_t b) {
        if (a == b) return "layer " + std::to_string(a + 1) + " (" + layers_[a].name + ")";
        return "layers " + std::to_string(a + 1) + "-" + std::to_string(b + 1) + " (" + layers_[a].name + " … " +
               layers_[b].name + ")";
    };
    const auto finding = [](Finding::Kind kind, std::size_t a, std::size_t b, std::string text) {
        return Finding{kind, static_cast<int>(a), static_cast<int>(b), std::move(text)};
    };
    const std::string at_step = " at step " + std::to_string(last.step);
    std::vector<Finding> out;

    // Non-finite values: exploding, whatever else the figures say.
    std::vector<std::size_t> broken;
    for (std::size_t i = 0; i < last.layers.size(); ++i)
        if (last.layers[i].non_finite) broken.push_back(i);
    if (!broken.empty() || std::isinf(last.loss)) {
        std::string text = "exploding gradients: ";
        if (!broken.empty())
            text += "NaN or infinite values in " + range_text(broken.front(), broken.back()) + at_step;
        if (std::isinf(last.loss)) text += std::string(broken.empty() ? "" : "; ") + "the loss is infinite";
        out.push_back(finding(Finding::Kind::exploding, broken.empty() ? 0 : broken.front(),
                              broken.empty() ? 0 : broken.back(), text));
        if (broken.empty()) out.back().first_layer = out.back().last_layer = -1;
        return out;  // the other figures are meaningless now
    }

    // Gradient norms along the depth, layers with trainable weights only.
    std::vector<std::size_t> depth;
    for (std::size_t i = 0; i < last.layers.size(); ++i) {
        const LayerStats& s = last.layers[i];
        if (!std::isnan(s.grad_norm) && std::isfinite(s.output_grad_norm)) depth.push_back(i);
    }
    if (depth.size() >= 2) {
        const std::size_t n = depth.size();
        std::vector<double> g(n), above_max(n, 0), above_min(n, INFINITY);
        for (std::size_t k = 0; k < n; ++k) g[k] = last.layers[depth[k]].output_grad_norm;
        for (std::size_t k = n - 1; k-- > 0;) {
            above_max[k] = std::max(above_max[k + 1], g[k + 1]);
            above_min[k] = std::min(above_min[k + 1], g[k + 1]);
        }
        // Vanishing: a layer's norm far below the largest above it; the
        // range runs from the input to the last layer where that holds.
        if (g[0] < th.vanishing_ratio * above_max[0]) {
            std::size_t k_last = 0;
            for (std::size_t k = 0; k + 1 < n; ++k)
                if (g[k] < th.vanishing_ratio * above_max[k]) k_last = k;
            const std::size_t top = depth[static_cast<std::size_t>(
                std::max_element(g.begin() + 1, g.end()) - g.begin())];
            out.push_back(finding(Finding::Kind::vanishing, depth[0], depth[k_last],
                                  "vanishing gradients in " + range_text(depth[0], depth[k_last]) +
                                      ": |dL/doutput| is " + number(g[0]) + " at " + layer_text(depth[0]) + " but " +
                                      number(last.layers[top].output_grad_norm) + " at " + layer_text(top) + at_step));
        }
        // Exploding toward the input: a layer's norm far above the smallest above it.
        if (above_min[0] > 0 && g[0] > th.exploding_ratio * above_min[0]) {
            std::size_t k_last = 0;
            for (std::size_t k = 0; k + 1 < n; ++k)
                if (above_min[k] > 0 && g[k] > th.exploding_ratio * above_min[k]) k_last = k;
            const std::size_t low = depth[static_cast<std::size_t>(
                std::min_element(g.begin() + 1, g.end()) - g.begin())];
            out.push_back(finding(Finding::Kind::exploding, depth[0], depth[k_last],
                                  "exploding gradients in " + range_text(depth[0], depth[k_last]) +
                                      ": |dL/doutput| is " + number(g[0]) + " at " + layer_text(depth[0]) +
                                      " but only " + number(last.layers[low].output_grad_norm) + " at " +
                                      layer_text(low) + at_step));
        }
    }

    // Exploding over time: the largest gradient norm grew since the first record.
    const auto largest = [](const StepRecord& r) {
        double m = 0;
        std::size_t at = 0;
        for (std::size_t i = 0; i < r.layers.size(); ++i) {
            if (std::isfinite(r.layers[i].output_grad_norm) && r.layers[i].output_grad_norm > m) {
                m = r.layers[i].output_grad_norm;
                at = i;
            }
        }
        return std::pair{m, at};
    };
    const auto [first_max, first_at] = largest(records_.front());
    const auto [last_max, last_at] = largest(last);
    if (records_.size() > 1 && first_max > 0 && last_max > th.exploding_ratio * first_max) {
        out.push_back(finding(Finding::Kind::exploding, last_at, last_at,
                              "exploding gradients: the largest |dL/doutput| grew from " + number(first_max) +
                                  " at step " + std::to_string(records_.front().step) + " to " + number(last_max) +
                                  " at " + layer_text(last_at) + at_step));
    }

    // Dead units and saturation, layer by layer.
    std::vector<std::size_t> dead, saturated;
    for (std::size_t i = 0; i < last.layers.size(); ++i) {
        const LayerStats& s = last.layers[i];
        if (s.dead_fraction > th.dead_fraction) dead.push_back(i);
        if (i + 1 < last.layers.size() && s.saturated_fraction > th.saturated_fraction) saturated.push_back(i);
    }
    const auto worst = [&](const std::vector<std::size_t>& at, double LayerStats::*field) {
        std::size_t w = at.front();
        for (std::size_t i : at)
            if (last.layers[i].*field > last.layers[w].*field) w = i;
        return w;
    };
    if (!dead.empty()) {
        const std::size_t w = worst(dead, &LayerStats::dead_fraction);
        out.push_back(finding(Finding::Kind::dead_units, dead.front(), dead.back(),
                              "dead units in " + std::to_string(dead.size()) + " layer(s), " +
                                  range_text(dead.front(), dead.back()) + ": up to " +
                                  percent(last.layers[w].dead_fraction) + " of the units of " + layer_text(w) + " (" +
                                  layers_[w].activation + ") output zero for the whole batch" + at_step));
    }
    if (!saturated.empty()) {
        const std::size_t w = worst(saturated, &LayerStats::saturated_fraction);
        out.push_back(finding(Finding::Kind::saturation, saturated.front(), saturated.back(),
                              "saturation in " + std::to_string(saturated.size()) + " hidden layer(s), " +
                                  range_text(saturated.front(), saturated.back()) + ": up to " +
                                  percent(last.layers[w].saturated_fraction) + " of the outputs of " + layer_text(w) +
                                  " (" + layers_[w].activation + ") within " + number(th.saturation_margin) +
                                  " of an asymptote" + at_step));
    }

    // Update ratios far from ~1e-3.
    std::vector<std::size_t> off;
    for (std::size_t i = 0; i < last.layers.size(); ++i) {
        const double r = last.layers[i].update_ratio;
        if (std::isfinite(r) && (r < th.update_ratio_low || r > th.update_ratio_high)) off.push_back(i);
    }
    if (!off.empty()) {
        std::size_t lo = off.front(), hi = off.front();
        for (std::size_t i : off) {
            if (last.layers[i].update_ratio < last.layers[lo].update_ratio) lo = i;
            if (last.layers[i].update_ratio > last.layers[hi].update_ratio) hi = i;
        }
        std::string text = "update ratio |dw|/|w| outside [" + number(th.update_ratio_low) + ", " +
                           number(th.update_ratio_high) + "] in " + std::to_string(off.size()) + " layer(s), " +
                           range_text(off.front(), off.back()) + ":";
        // (text += ' ' then the rest: g++ 12 warns -Wrestrict falsely on " " + string)
        if (last.layers[lo].update_ratio < th.update_ratio_low) {
            text += ' ';
            text += number(last.layers[lo].update_ratio) + " at " + layer_text(lo) + " (barely learning)";
        }
        if (last.layers[hi].update_ratio > th.update_ratio_high) {
            text += ' ';
            text += number(last.layers[hi].update_ratio) + " at " + layer_text(hi) + " (steps too large for the weights)";
        }
        out.push_back(finding(Finding::Kind::update_ratio, off.front(), off.back(), text + at_step));
    }

    if (out.empty()) {
        std::string text = "healthy" + at_step;
        if (depth.size() >= 2) {
            double lo = INFINITY, hi = 0;
            for (std::size_t i : depth) {
                lo = std::min(lo, last.layers[i].output_grad_norm);
                hi = std::max(hi, last.layers[i].output_grad_norm);
            }
            text += ": |dL/doutput| between " + number(lo) + " and " + number(hi) + " across " +
                    range_text(depth.front(), depth.back());
        }
        out.push_back(finding(Finding::Kind::healthy, 0, last.layers.empty() ? 0 : last.layers.size() - 1, text));
    }
    return out;
}

}  // namespace xgrad::train
