#pragma once
/// \file
/// History: what fit() returns, one value per epoch for the loss, each metric
/// and their validation counterparts ("loss", "accuracy", "val_loss", …), as
/// Keras' History.history. Written as CSV or drawn as an SVG learning curve.
#include <map>
#include <string>
#include <vector>

namespace xgrad::train {

/// Per-epoch values recorded by fit(), as Keras' History.
class History {
public:
    /// Appends one epoch's values. A key missing from an epoch, or first seen
    /// after some epochs, reads NaN for those epochs.
    void append(int epoch, const std::map<std::string, double>& logs);

    /// Per-key series, e.g. history().at("val_loss").
    const std::map<std::string, std::vector<double>>& history() const noexcept { return values_; }
    /// Series for `key` (ValueError naming the known keys when absent).
    const std::vector<double>& operator[](const std::string& key) const;
    /// Epoch numbers (0-based, as Keras' History.epoch).
    const std::vector<int>& epochs() const noexcept { return epochs_; }
    /// Number of epochs recorded.
    std::size_t size() const noexcept { return epochs_.size(); }

    /// "epoch,accuracy,loss,val_accuracy,val_loss" then one row per epoch.
    std::string to_csv() const;
    /// Writes to_csv() to `path` (IoError on failure; the previous file, if
    /// any, stays whole: the text goes to a temporary file, fsynced and
    /// renamed over it, as model files are).
    void write_csv(const std::string& path) const;
    /// An SVG image for a browser: one panel per quantity (loss, accuracy, …)
    /// with its training and validation curves on the same axes, whole-epoch
    /// ticks (0-based, as epochs()), round value ticks, the legend above the
    /// plot, tick labels in each panel's own margins.
    std::string to_svg() const;
    /// Writes to_svg() to `path`, as write_csv().
    void write_svg(const std::string& path) const;

private:
    std::vector<int> epochs_;
    std::map<std::string, std::vector<double>> values_;
};

}  // namespace xgrad::train
