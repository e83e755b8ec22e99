#include "xgrad/autograd/gradcheck.hpp"

#include <cmath>
#include <ostream>
#include <sstream>

#include "xgrad/autograd/engine.hpp"
#include "xgrad/autograd/grad_mode.hpp"
#include "xgrad/core/random.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/reduction.hpp"

namespace xgrad {

namespace {

/// float64 leaf copies of the floating inputs; other inputs pass through.
std::vector<Tensor> as_float64_leaves(const std::vector<Tensor>& inputs) {
    std::vector<Tensor> xs;
    for (const Tensor& t : inputs) {
        if (t.defined() && is_floating(t.dtype())) {
            NoGradGuard no_grad;
            Tensor x = t.to(float64).clone().detach();
            x.requires_grad_(true);
            xs.push_back(x);
        } else {
            xs.push_back(t);
        }
    }
    return xs;
}

/// L = Σ fn(xs) · v for a fixed random v of the output's shape.
struct Projection {
    const TensorFunction& fn;
    Tensor v;

    Tensor operator()(const std::vector<Tensor>& xs) {
        Tensor y = fn(xs);
        if (!y.defined() || !is_floating(y.dtype()))
            throw DtypeError("gradcheck: the function must return a floating tensor");
        y = y.to(float64);
        return sum(mul(y, v));
    }
};

Projection make_projection(const TensorFunction& fn, const std::vector<Tensor>& xs, std::uint64_t seed) {
    Tensor y;
    {
        NoGradGuard no_grad;
        y = fn(xs);
    }
    Generator gen(seed);
    return Projection{fn, uniform(y.shape(), 0.5, 1.5, float64, gen) *
                              (bernoulli(y.shape(), 0.5, float64, gen) * 2.0 - 1.0)};
}

}  // namespace

GradcheckResult gradcheck(const TensorFunction& fn, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options) {
    std::vector<Tensor> xs = as_float64_leaves(inputs);
    Projection loss = make_projection(fn, xs, options.seed);

    std::vector<Tensor> differentiable;
    std::vector<std::size_t> positions;
    for (std::size_t i = 0; i < xs.size(); ++i) {
        if (xs[i].defined() && xs[i].requires_grad()) {
            differentiable.push_back(xs[i]);
            positions.push_back(i);
        }
    }
    GradOptions grad_options;
    grad_options.allow_unused = true;
    std::vector<Tensor> analytic = grad({loss(xs)}, differentiable, {}, grad_options);

    GradcheckResult result;
    std::ostringstream msg;
    NoGradGuard no_grad;
    for (std::size_t k = 0; k < differentiable.size(); ++k) {
        Tensor& x = differentiable[k];
        GradcheckInputReport rep;
        rep.input = positions[k];
        double* px = x.data<double>();
        const std::vector<double> a =
            analytic[k].defined() ? analytic[k].to(float64).to_vector<double>() : std::vector<double>(x.numel(), 0.0);
        double worst_violation = -1;
        for (std::int64_t i = 0; i < x.numel(); ++i) {
            const double saved = px[i];
            px[i] = saved + options.eps;
            const double plus = loss(xs).item();
            px[i] = saved - options.eps;
            const double minus = loss(xs).item();
            px[i] = saved;
            const double numeric = (plus - minus) / (2 * options.eps);
            const double err = std::abs(a[i] - numeric);
            const double rel = err / std::max(std::abs(numeric), 1e-12);
            rep.max_abs_error = std::max(rep.max_abs_error, err);
            rep.max_rel_error = std::max(rep.max_rel_error, std::isfinite(rel) ? rel : 0.0);
            const double allowed = options.atol + options.rtol * std::abs(numeric);
            const double violation = std::isnan(err) ? INFINITY : err / allowed;
            if (violation > worst_violation) {
                worst_violation = violation;
                rep.worst_index = i;
                rep.analytic = a[i];
                rep.numeric = numeric;
            }
            if (!(err <= allowed)) rep.ok = false;
        }
        if (!rep.ok) {
            result.ok = false;
            msg << "input " << rep.input << " (shape " << to_string(x.shape()) << "): element " << rep.worst_index
                << " analytic " << rep.analytic << " vs numeric " << rep.numeric << " (max abs error "
                << rep.max_abs_error << ", max rel error " << rep.max_rel_error << "); ";
        }
        result.inputs.push_back(rep);
    }
    result.message = msg.str();
    return result;
}

GradcheckResult gradgradcheck(const TensorFunction& fn, const std::vector<Tensor>& inputs,
                              const GradcheckOptions& options) {
    const std::vector<Tensor> xs0 = as_float64_leaves(inputs);
    Projection loss = make_projection(fn, xs0, options.seed);
    Generator gen(options.seed + 1);
    std::vector<Tensor> directions;
    for (const Tensor& x : xs0)
        directions.push_back(x.defined() && x.requires_grad() ? uniform(x.shape(), -1.0, 1.0, float64, gen) : Tensor());

    // x ↦ Σ_i <∂L/∂x_i, u_i>, differentiated once more by gradcheck.
    TensorFunction first_order = [&](const std::vector<Tensor>& xs) {
        std::vector<Tensor> wrt;
        std::vector<Tensor> dirs;
        for (std::size_t i = 0; i < xs.size(); ++i) {
            if (xs[i].defined() && xs[i].requires_grad()) {
                wrt.push_back(xs[i]);
                dirs.push_back(directions[i]);
            }
        }
        if (!is_grad_enabled()) {
            // Finite-difference evaluations: the first-order gradient still needs a graph.
            GradModeGuard on(true);
            std::vector<Tensor> leaves;
            for (const Tensor& w : wrt) leaves.push_back(w.detach().requires_grad_(true));
            std::vector<Tensor> full = xs;
            for (std::size_t i = 0, k = 0; i < xs.size(); ++i)
                if (xs[i].defined() && xs[i].requires_grad()) full[i] = leaves[k++];
            GradOptions o;
            o.allow_unused = true;
            const auto g = grad({loss(full)}, leaves, {}, o);
            Tensor total = zeros({}, float64);
            for (std::size_t k = 0; k < g.size(); ++k)
                if (g[k].defined()) total = add(total, sum(mul(g[k], dirs[k])));
            return total.detach();
        }
        GradOptions o;
        o.allow_unused = true;
        o.create_graph = true;
        const auto g = grad({loss(xs)}, wrt, {}, o);
        Tensor total = zeros({}, float64);
        for (std::size_t k = 0; k < g.size(); ++k)
            if (g[k].defined()) total = add(total, sum(mul(g[k], dirs[k])));
        return total;
    };
    return gradcheck(first_order, xs0, options);
}

std::ostream& operator<<(std::ostream& os, const GradcheckResult& r) {
    return os << (r.ok ? "gradcheck passed" : "gradcheck failed: " + r.message);
}

}  // namespace xgrad
