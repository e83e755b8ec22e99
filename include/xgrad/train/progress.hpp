#pragma once
/// \file
/// Keras-style progress output for fit() and evaluate():
///
///     Epoch 1/5
///     1719/1719 ━━━━━━━━━━━━━━━━━━━━ 3s 2ms/step - accuracy: 0.7612 - loss: 0.7234 - val_accuracy: 0.8300 - val_loss: 0.4800
///
/// On a terminal the bar is redrawn in place (with elapsed time and ETA);
/// otherwise only the final line of each epoch is printed.
#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <string>

namespace xgrad::train {

/// One epoch's progress line (Keras' Progbar), as fit() and evaluate() print it.
class ProgressBar {
public:
    /// `live`: redraw in place (a terminal); else print only at the end.
    ProgressBar(std::ostream& out, std::int64_t total_steps, bool live);
    /// After step `step` (1-based) with running values.
    void update(std::int64_t step, const std::map<std::string, double>& values);
    /// The final line with all values (validation included).
    void finish(const std::map<std::string, double>& values);

    /// " - accuracy: 0.7612 - loss: 0.7234" with keys in alphabetical order, 4 decimals.
    static std::string format_values(const std::map<std::string, double>& values);
    /// "3s", "1m 5s", "2ms", "45us" as Keras prints durations.
    static std::string format_duration(double seconds);

private:
    std::string line(std::int64_t step, const std::map<std::string, double>& values, bool final) const;

    std::ostream& out_;
    std::int64_t total_;
    bool live_;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_draw_;
};

/// True when stdout is a terminal (live progress bars).
bool stdout_is_terminal();

}  // namespace xgrad::train
