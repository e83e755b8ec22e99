#include "xgrad/train/progress.hpp"

#include <cstdio>
#include <ostream>
#include <unistd.h>

namespace xgrad::train {

namespace {
constexpr int bar_width = 20;
constexpr auto redraw_every = std::chrono::milliseconds(100);
}  // namespace

bool stdout_is_terminal() { return ::isatty(STDOUT_FILENO) == 1; }

ProgressBar::ProgressBar(std::ostream& out, std::int64_t total_steps, bool live)
    : out_(out), total_(total_steps), live_(live), start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

std::string ProgressBar::format_values(const std::map<std::string, double>& values) {
    std::string text;
    char buf[64];
    for (const auto& [key, value] : values) {
        std::snprintf(buf, sizeof buf, "%.4f", value);
        text += " - " + key + ": " + buf;
    }
    return text;
}

std::string ProgressBar::format_duration(double seconds) {
    char buf[32];
    if (seconds >= 60) std::snprintf(buf, sizeof buf, "%dm %ds", static_cast<int>(seconds) / 60, static_cast<int>(seconds) % 60);
    else if (seconds >= 1) std::snprintf(buf, sizeof buf, "%ds", static_cast<int>(seconds));
    else if (seconds >= 1e-3) std::snprintf(buf, sizeof buf, "%dms", static_cast<int>(seconds * 1e3));
    else std::snprintf(buf, sizeof buf, "%dus", static_cast<int>(seconds * 1e6));
    return buf;
}

std::string ProgressBar::line(std::int64_t step, const std::map<std::string, double>& values, bool final) const {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const std::string total = std::to_string(total_);
    std::string step_text = std::to_string(step);
    step_text = std::string(total.size() - std::min(total.size(), step_text.size()), ' ') + step_text;
    const int filled = total_ > 0 ? static_cast<int>(bar_width * step / total_) : bar_width;
    std::string bar;
    for (int i = 0; i < bar_width; ++i) bar += i < filled ? "\u2501" : (i == filled ? "\u2578" : " ");
    const double per_step = step > 0 ? elapsed / static_cast<double>(step) : 0.0;
    std::string timing;
    if (final) timing = format_duration(elapsed) + " " + format_duration(per_step) + "/step";
    else timing = format_duration(per_step * static_cast<double>(total_ - step)) + " ETA " + format_duration(per_step) + "/step";
    return step_text + "/" + total + " " + bar + " " + timing + format_values(values);
}

void ProgressBar::update(std::int64_t step, const std::map<std::string, double>& values) {
    if (!live_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_draw_ < redraw_every && step < total_) return;
    last_draw_ = now;
    out_ << '\r' << line(step, values, false) << "\x1b[K" << std::flush;
}

void ProgressBar::finish(const std::map<std::string, double>& values) {
    if (live_) out_ << '\r';
    out_ << line(total_, values, true) << (live_ ? "\x1b[K" : "") << '\n' << std::flush;
}

}  // namespace xgrad::train
