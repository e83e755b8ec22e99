// The einsum equation: a hand-written scanner (the grammar is one level
// deep: operands separated by ',', an optional '->' and the output), then
// binding to the operands' shapes. Every error quotes the equation and
// points at the character or the operand that is wrong.
#include "einsum_equation.hpp"

#include <algorithm>
#include <string>

#include "xgrad/core/error.hpp"

namespace xgrad::detail {

namespace {

constexpr int letter_labels = 52;  // A–Z then a–z; ellipsis dimensions follow
constexpr int ellipsis_term = -1;

/// One subscript as written: a letter's label or an ellipsis, and where it is.
struct Term {
    int label;
    std::size_t position;
};
using Subscripts = std::vector<Term>;

struct ParsedEquation {
    std::vector<Subscripts> inputs;
    std::vector<std::string_view> input_text;  // each operand's subscripts as written, for messages
    bool explicit_output = false;
    Subscripts output;
};

int label_of_letter(char c) { return c >= 'A' && c <= 'Z' ? c - 'A' : 26 + (c - 'a'); }

char letter_of_label(int label) { return static_cast<char>(label < 26 ? 'A' + label : 'a' + (label - 26)); }

bool is_letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

bool has_ellipsis(const Subscripts& s) {
    return std::any_of(s.begin(), s.end(), [](const Term& t) { return t.label == ellipsis_term; });
}

/// 'c' for a printable character, its byte as \xNN otherwise (a control
/// character or part of a UTF-8 sequence would garble the message).
std::string quoted(char c) {
    if (c >= 0x20 && c < 0x7f) return std::string("'") + c + "'";
    static const char hex[] = "0123456789abcdef";
    const auto byte = static_cast<unsigned char>(c);
    return std::string("byte \\x") + hex[byte >> 4] + hex[byte & 15];
}

std::string prefix(std::string_view equation) { return "einsum: '" + std::string(equation) + "': "; }

std::string at(std::size_t position) { return " at position " + std::to_string(position); }

ParsedEquation scan(std::string_view eq) {
    ParsedEquation p;
    p.inputs.emplace_back();
    std::size_t operand_start = 0;
    Subscripts* current = &p.inputs.back();
    for (std::size_t i = 0; i < eq.size(); ++i) {
        const char c = eq[i];
        if (c == ' ') continue;
        if (is_letter(c)) {
            current->push_back({label_of_letter(c), i});
        } else if (c == '.') {
            if (eq.substr(i, 3) != "...") throw ValueError(prefix(eq) + "incomplete ellipsis" + at(i) + " (an ellipsis is '...')");
            if (has_ellipsis(*current)) {
                throw ValueError(prefix(eq) + "second ellipsis" + at(i) +
                                 (p.explicit_output ? " in the output" : " in operand " + std::to_string(p.inputs.size() - 1)));
            }
            current->push_back({ellipsis_term, i});
            i += 2;
        } else if (c == ',') {
            if (p.explicit_output) throw ValueError(prefix(eq) + "','" + at(i) + " is in the output (after '->')");
            p.input_text.push_back(eq.substr(operand_start, i - operand_start));
            operand_start = i + 1;
            p.inputs.emplace_back();
            current = &p.inputs.back();
        } else if (c == '-') {
            if (i + 1 >= eq.size() || eq[i + 1] != '>') throw ValueError(prefix(eq) + "'-'" + at(i) + " is not followed by '>'");
            if (p.explicit_output) throw ValueError(prefix(eq) + "second '->'" + at(i));
            p.input_text.push_back(eq.substr(operand_start, i - operand_start));
            p.explicit_output = true;
            current = &p.output;
            ++i;
        } else {
            throw ValueError(prefix(eq) + "invalid character " + quoted(c) + at(i) +
                             " (indices are the letters a-z and A-Z)");
        }
    }
    if (!p.explicit_output) p.input_text.push_back(eq.substr(operand_start));
    return p;
}

std::string describe_operand(const ParsedEquation& p, std::size_t i, const Tensor& t) {
    return "operand " + std::to_string(i) + " ('" + std::string(p.input_text[i]) + "', shape " + to_string(t.shape()) + ")";
}

/// Number of ellipsis dimensions of each operand (0 without an ellipsis);
/// ShapeError when an operand's rank does not fit its subscripts.
std::vector<std::size_t> ellipsis_ranks(std::string_view eq, const ParsedEquation& p, const std::vector<Tensor>& operands) {
    std::vector<std::size_t> ranks(operands.size(), 0);
    for (std::size_t i = 0; i < operands.size(); ++i) {
        const bool ellipsis = has_ellipsis(p.inputs[i]);
        const std::size_t letters = p.inputs[i].size() - (ellipsis ? 1 : 0);
        const std::size_t rank = operands[i].rank();
        if (ellipsis ? rank < letters : rank != letters) {
            throw ShapeError(prefix(eq) + describe_operand(p, i, operands[i]) + " has " + std::to_string(letters) +
                             " indices" + (ellipsis ? " and an ellipsis" : "") + " but " + std::to_string(rank) +
                             " dimensions");
        }
        ranks[i] = rank - letters;
    }
    return ranks;
}

}  // namespace

Contraction parse_einsum(std::string_view eq, const std::vector<Tensor>& operands) {
    const ParsedEquation p = scan(eq);
    if (p.inputs.size() != operands.size()) {
        throw ValueError(prefix(eq) + "the equation has " + std::to_string(p.inputs.size()) + " operand(s) but " +
                         std::to_string(operands.size()) + " tensor(s) were given");
    }
    const std::vector<std::size_t> ell_ranks = ellipsis_ranks(eq, p, operands);
    const std::size_t ell_rank = operands.empty() ? 0 : *std::max_element(ell_ranks.begin(), ell_ranks.end());

    // Label of every dimension, and each label's size: equal wherever it
    // occurs, except that 1 broadcasts (as PyTorch; ellipsis dimensions
    // right-aligned as in NumPy broadcasting).
    Contraction c;
    std::vector<std::int64_t> size(letter_labels + ell_rank, 1);
    std::vector<std::size_t> size_from(size.size(), 0);     // the operand that set a size other than 1
    std::vector<std::size_t> occurrences(letter_labels, 0);  // letters counted over all operands
    for (std::size_t i = 0; i < operands.size(); ++i) {
        const Shape& shape = operands[i].shape();
        std::vector<int>& labels = c.inputs.emplace_back();
        for (const Term& term : p.inputs[i]) {
            if (term.label == ellipsis_term) {
                for (std::size_t j = 0; j < ell_ranks[i]; ++j)
                    labels.push_back(letter_labels + static_cast<int>(ell_rank - ell_ranks[i] + j));
            } else {
                ++occurrences[static_cast<std::size_t>(term.label)];
                const auto first = std::find(labels.begin(), labels.end(), term.label);
                if (first != labels.end() && shape[static_cast<std::size_t>(first - labels.begin())] != shape[labels.size()]) {
                    throw ShapeError(prefix(eq) + "index '" + letter_of_label(term.label) + "' repeats in " +
                                     describe_operand(p, i, operands[i]) + " with sizes " +
                                     std::to_string(shape[static_cast<std::size_t>(first - labels.begin())]) + " and " +
                                     std::to_string(shape[labels.size()]) + "; a repeated index needs equal sizes");
                }
                labels.push_back(term.label);
            }
        }
        for (std::size_t d = 0; d < labels.size(); ++d) {
            const auto label = static_cast<std::size_t>(labels[d]);
            if (shape[d] == 1 || shape[d] == size[label]) continue;
            if (size[label] != 1) {
                const std::size_t k = size_from[label];
                if (labels[d] >= letter_labels) {
                    throw ShapeError(prefix(eq) + "the ellipsis dimensions of " + describe_operand(p, k, operands[k]) +
                                     " and " + describe_operand(p, i, operands[i]) + " do not broadcast (" +
                                     std::to_string(size[label]) + " vs " + std::to_string(shape[d]) + ")");
                }
                throw ShapeError(prefix(eq) + "index '" + letter_of_label(labels[d]) + "' has size " +
                                 std::to_string(size[label]) + " in " + describe_operand(p, k, operands[k]) +
                                 " but size " + std::to_string(shape[d]) + " in " + describe_operand(p, i, operands[i]));
            }
            size[label] = shape[d];
            size_from[label] = i;
        }
    }

    // The output: as written, or NumPy's implicit one (the ellipsis
    // dimensions, then the letters that occur once, in ASCII order).
    std::vector<bool> in_output(size.size(), false);
    auto add_ellipsis = [&] {
        for (std::size_t j = 0; j < ell_rank; ++j) c.output.push_back(letter_labels + static_cast<int>(j));
    };
    if (p.explicit_output) {
        for (const Term& term : p.output) {
            if (term.label == ellipsis_term) {
                add_ellipsis();
                continue;
            }
            const auto label = static_cast<std::size_t>(term.label);
            auto name = [&] { return std::string("index '") + letter_of_label(term.label) + "'" + at(term.position); };
            if (occurrences[label] == 0) throw ValueError(prefix(eq) + name() + " is not in any operand");
            if (in_output[label]) throw ValueError(prefix(eq) + name() + " appears twice in the output");
            in_output[label] = true;
            c.output.push_back(term.label);
        }
    } else {
        add_ellipsis();
        for (int label = 0; label < letter_labels; ++label)
            if (occurrences[static_cast<std::size_t>(label)] == 1) c.output.push_back(label);
    }
    return c;
}

}  // namespace xgrad::detail
