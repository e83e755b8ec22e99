#pragma once
/// \file
/// GradientMonitor: per-layer gradient-health figures while a model trains,
/// and a diagnosis in plain words (vanishing or exploding gradients, dead
/// units, saturation, update sizes).
///
/// Every `every` steps the monitor records, for each layer (each module
/// without children, in the order the forward pass calls them):
/// - the mean and standard deviation of the layer's output (its activations);
/// - the fraction of dead units, for ReLU-family outputs (relu, leaky_relu,
///   prelu, rrelu, elu, selu): units (output positions) that are zero for
///   every sample of the batch;
/// - the fraction of saturated outputs, for sigmoid and tanh (an output
///   within `saturation_margin` of an asymptote: sigmoid < m or > 1 − m,
///   |tanh| > 1 − m) and softmax (samples whose largest probability is
///   above 1 − m);
/// - the norm of the gradient of the layer's output, ‖∂L/∂output‖;
/// - the norm of each trainable weight's gradient, and of the layer's
///   (all its trainable weights together);
/// - the update-to-weight ratio ‖Δw‖/‖w‖ of the step (per weight and per layer).
/// A layer's activation is read from its config ("activation", as Dense and
/// Activation have) or its type (ReLU, LeakyReLU, PReLU, ELU, RReLU, Softmax).
///
/// Use it as a fit() callback, or in a hand-written loop:
///
///     train::GradientMonitor monitor({.every = 100});
///     for (…) {
///         monitor.begin_step(model);       // before the forward pass
///         Tensor loss = …; optimizer.zero_grad(); loss.backward(); optimizer.step();
///         monitor.end_step(model);         // after the step, gradients still in .grad()
///     }
///     monitor.print(std::cout);
///
/// Between the steps it records, the monitor sets no hook and costs nothing.
///
/// Thread safety: one monitor watches one model from one thread.
#include <cstdint>
#include <iosfwd>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "xgrad/core/hooks.hpp"
#include "xgrad/train/callbacks.hpp"

namespace xgrad::train {

/// The diagnosis rules' thresholds. "Gradient norm" of a layer below means
/// ‖∂L/∂output‖ of a layer that has trainable weights, at the latest recorded step.
struct DiagnosisThresholds {
    /// Vanishing: the first layer's gradient norm is below this fraction of
    /// the largest gradient norm of the layers above it.
    double vanishing_ratio = 1e-3;
    /// Exploding: a non-finite gradient, weight or loss; or the first layer's
    /// gradient norm above this multiple of the smallest of the layers above
    /// it (rising toward the input); or the largest gradient norm grown by
    /// this factor since the first recorded step.
    double exploding_ratio = 1e3;
    /// Dead units: a layer with more than this fraction of its units dead.
    double dead_fraction = 0.5;
    /// How near an asymptote counts as saturated (see the file comment): at
    /// 0.02 a sigmoid's slope is below 8% of its peak, tanh's below 4%.
    double saturation_margin = 0.02;
    /// Saturation: a hidden layer (not the last) with more than this fraction saturated.
    double saturated_fraction = 0.2;
    /// Update ratios: a layer whose ‖Δw‖/‖w‖ lies outside [low, high]
    /// (~1e-3 is the usual healthy figure, Karpathy's rule of thumb).
    double update_ratio_low = 1e-5;
    double update_ratio_high = 1e-1;  ///< Upper end of that range.
};

/// Options of GradientMonitor.
struct GradientMonitorOptions {
    /// Record every N-th step (steps counted from 0 across epochs; step 0 is recorded).
    std::int64_t every = 1;
    DiagnosisThresholds thresholds{};  ///< The rules diagnose() applies.
    /// Under fit(): print the table and diagnosis at the end of each epoch to
    /// `out` (std::cout when null).
    bool print_each_epoch = true;
    std::ostream* out = nullptr;  ///< Stream for print_each_epoch (std::cout when null).
};

/// One weight's figures at one recorded step.
struct WeightStats {
    std::string name;  ///< The layer's own name for it ("kernel").
    double grad_norm = std::numeric_limits<double>::quiet_NaN();     ///< ‖∂L/∂w‖; NaN without a gradient.
    double update_ratio = std::numeric_limits<double>::quiet_NaN();  ///< ‖Δw‖/‖w‖ of the step.
};

/// One layer's figures at one recorded step; NaN where a figure does not
/// apply (no dead units without a ReLU-family activation, no gradient
/// without trainable weights, …).
struct LayerStats {
    /// Mean of the layer's output over all its elements.
    double activation_mean = std::numeric_limits<double>::quiet_NaN();
    /// Standard deviation of the layer's output over all its elements.
    double activation_std = std::numeric_limits<double>::quiet_NaN();
    /// Fraction of units zero for every sample (ReLU-family activations only).
    double dead_fraction = std::numeric_limits<double>::quiet_NaN();
    /// Fraction of saturated outputs (sigmoid, tanh, softmax only).
    double saturated_fraction = std::numeric_limits<double>::quiet_NaN();
    /// ‖∂L/∂output‖ over the whole batch.
    double output_grad_norm = std::numeric_limits<double>::quiet_NaN();
    /// Norm of all the layer's trainable weights' gradients together.
    double grad_norm = std::numeric_limits<double>::quiet_NaN();
    /// ‖Δw‖/‖w‖ of the step over all the layer's trainable weights together.
    double update_ratio = std::numeric_limits<double>::quiet_NaN();
    /// A NaN or infinity in the layer's output, output gradient, weight gradients or weights.
    bool non_finite = false;
    std::vector<WeightStats> weights;  ///< Per trainable weight, in the layer's order.
};

/// Everything recorded at one step.
struct StepRecord {
    std::int64_t step = 0;  ///< The step's index, counted from 0 across epochs.
    double loss = std::numeric_limits<double>::quiet_NaN();  ///< NaN when not given.
    std::vector<LayerStats> layers;                           ///< In layers() order.
};

/// One statement of the diagnosis.
struct Finding {
    /// The problem found (see DiagnosisThresholds), or healthy.
    enum class Kind { healthy, vanishing, exploding, dead_units, saturation, update_ratio };
    Kind kind = Kind::healthy;  ///< What was found.
    /// The layers concerned, as indices into layers() (−1 when none).
    int first_layer = -1;
    int last_layer = -1;  ///< Last layer concerned, inclusive (−1 when none).
    /// A sentence with the layer range and the evidence.
    std::string message;
};

/// "healthy", "vanishing", "exploding", "dead_units", "saturation", "update_ratio".
const char* to_string(Finding::Kind kind) noexcept;

/// One monitored layer.
struct MonitoredLayer {
    std::string name;        ///< Hierarchical ("dense_3", "encoder.fc").
    std::string type;        ///< type_name() ("Dense").
    std::string activation;  ///< As read from the layer ("relu"), or empty.
};

/// Records per-layer gradient-health figures and diagnoses them (see the file comment).
class GradientMonitor : public Callback {
public:
    /// ValueError if `every` < 1 or saturation_margin is not in (0, 0.5).
    explicit GradientMonitor(GradientMonitorOptions options = {});
    ~GradientMonitor() override;
    GradientMonitor(const GradientMonitor&) = delete;
    GradientMonitor& operator=(const GradientMonitor&) = delete;

    // ---- a hand-written loop --------------------------------------------------------
    /// Call before the forward pass: on a step to record, hooks the model's
    /// layers and keeps a copy of the trainable weights.
    void begin_step(nn::Module& model);
    /// Call after the optimizer step (the gradients must still be in .grad()):
    /// on a recorded step, reads gradients and update ratios and removes the
    /// hooks. `loss` is stored with the record (and checked for NaN).
    void end_step(nn::Module& model, double loss = std::numeric_limits<double>::quiet_NaN());

    // ---- as a fit() callback ----------------------------------------------------------
    void on_batch_begin(std::int64_t batch, TrainContext& ctx) override;
    void on_batch_end(std::int64_t batch, const Logs& logs, TrainContext& ctx) override;
    void on_epoch_end(int epoch, Logs& logs, TrainContext& ctx) override;

    // ---- results --------------------------------------------------------------------------
    /// The layers seen so far, in the order of the forward pass.
    const std::vector<MonitoredLayer>& layers() const noexcept { return layers_; }
    /// One record per recorded step, oldest first.
    const std::vector<StepRecord>& records() const noexcept { return records_; }
    /// The diagnosis from the latest record (and the trend since the first):
    /// one Finding per problem, or one "healthy" finding; empty before the
    /// first recorded step.
    std::vector<Finding> diagnose() const;
    /// A per-layer table of the latest record, then the diagnosis.
    void print(std::ostream& out) const;
    /// Every record in long format: step,layer,metric,value (metrics
    /// activation_mean, activation_std, dead_fraction, saturated_fraction,
    /// output_grad_norm, grad_norm, update_ratio, `grad_norm.<weight>`,
    /// `update_ratio.<weight>`, and loss with an empty layer). NaN figures are
    /// left out. write_csv() writes it to a temporary file renamed over `path`
    /// (IoError on failure; a previous file stays whole).
    std::string to_csv() const;
    /// Writes to_csv() to `path` (see to_csv()).
    void write_csv(const std::string& path) const;
    /// An SVG for a browser: a heatmap of layer depth × recorded step of
    /// ‖∂L/∂output‖ (log scale), and line plots of the update ratio per layer
    /// (log scale, 1e-3 marked). write_svg() writes it as write_csv() does.
    std::string to_svg() const;
    /// Writes to_svg() to `path`, replacing it atomically as write_csv() does.
    void write_svg(const std::string& path) const;

private:
    struct Capture;
    void attach(nn::Module& model);
    void detach();

    GradientMonitorOptions options_;
    std::int64_t step_ = 0;
    bool recording_ = false;
    std::vector<MonitoredLayer> layers_;
    std::vector<StepRecord> records_;
    std::vector<Capture> captures_;  // this step's, per leaf module
    std::vector<HookHandle> handles_;
    std::map<const void*, Tensor> weights_before_;  // copies of this step's weights, by identity
};

}  // namespace xgrad::train
