// Runs every registered PyTorch comparison case in float32 and float64 and
// writes what check_against_torch.py needs to recompute it with torch:
//
//     torch_cases OUT_DIR
//
// For each case and dtype, OUT_DIR/<n>.safetensors holds the inputs x0…,
// the upstream gradients u0… (one per floating output), xgrad's outputs y0…
// and, when the case has gradients, the gradients g0… of Σᵢ ⟨yᵢ, uᵢ⟩ with
// respect to each floating input (zeros where an input does not reach the
// outputs, as torch's None). OUT_DIR/cases.txt has one line per file:
// file, name, dtype, gradients (0/1), tolerance and the torch expression,
// separated by tabs. A case whose xgrad side throws is written with its
// message instead, so the checker reports it as a failure by name.
#include <cstdint>
#include <exception>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <string>

#include "torch_case.hpp"
#include "xgrad/io/safetensors.hpp"

namespace {

using namespace xgrad;
using reference::TorchCase;

/// A seed from the case's name, the same on every platform (std::hash is not).
std::uint64_t fnv1a(const std::string& text) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char ch : text) h = (h ^ ch) * 1099511628211ull;
    return h;
}

std::string key(char prefix, std::size_t i) { return prefix + std::to_string(i); }

/// Runs one case in `dtype`; returns the tensors to write.
std::map<std::string, Tensor> run_case(const TorchCase& c, Dtype dtype, std::uint64_t seed) {
    std::map<std::string, Tensor> files;
    std::vector<Tensor> inputs;
    for (std::size_t i = 0; i < c.inputs.size(); ++i) {
        Tensor x = c.inputs[i];
        if (is_floating(x.dtype())) {
            x = x.detach().to(dtype);
            if (c.gradients) x.requires_grad_(true);
        }
        files[key('x', i)] = x.detach();
        inputs.push_back(x);
    }
    const reference::Outputs outputs = c.run(inputs);
    Tensor objective;
    Generator gen(seed);
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        files[key('y', i)] = outputs[i].detach();
        if (!is_floating(outputs[i].dtype())) continue;
        const Tensor u = xgrad::normal(outputs[i].shape(), 0.0, 1.0, outputs[i].dtype(), gen);
        files[key('u', i)] = u;
        if (c.gradients && outputs[i].requires_grad()) {
            const Tensor term = sum(mul(outputs[i], u));
            objective = objective.defined() ? add(objective, term) : term;
        }
    }
    if (!c.gradients) return files;
    if (objective.defined()) objective.backward();
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        if (!is_floating(inputs[i].dtype())) continue;
        const Tensor g = inputs[i].grad();
        files[key('g', i)] = g.defined() ? g.detach() : zeros(inputs[i].shape(), dtype);
    }
    return files;
}

/// A line of cases.txt may not hold tabs or newlines.
void check_field(const TorchCase& c, const std::string& field) {
    if (field.find_first_of("\t\n") != std::string::npos)
        throw ValueError("torch case '" + c.name + "': a tab or newline in '" + field + "'");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: torch_cases OUT_DIR\n";
        return 2;
    }
    const std::string out = argv[1];
    std::ofstream list(out + "/cases.txt");
    std::set<std::string> names;
    std::size_t n = 0;
    for (const TorchCase& c : reference::all_cases()) {
        check_field(c, c.name);
        check_field(c, c.torch);
        if (!names.insert(c.name).second) throw ValueError("torch case '" + c.name + "' defined twice");
        for (Dtype dtype : {float32, float64}) {
            const std::string file = std::to_string(n++);
            const double tolerance = dtype == float32 ? c.float32_tolerance : c.float64_tolerance;
            std::string error;
            try {
                io::save_safetensors(out + "/" + file + ".safetensors", run_case(c, dtype, fnv1a(c.name)));
            } catch (const std::exception& e) {
                error = e.what();
                for (char& ch : error)
                    if (ch == '\t' || ch == '\n') ch = ' ';
            }
            list << file << '\t' << c.name << '\t' << dtype_name(dtype) << '\t' << c.gradients << '\t'
                 << std::setprecision(17) << tolerance << '\t' << c.torch << '\t' << error << '\n';
        }
    }
    return list.good() ? 0 : 1;
}
