// distributed::check_same_across_ranks (both builds): built on all_gather,
// so it inherits its shape checks and timeout. Texts are built with += :
// g++ 12 misreports "literal" + std::string&& (-Wrestrict).
#include <algorithm>
#include <cstring>
#include <string_view>

#include "core/fnv1a.hpp"
#include "xgrad/autograd/grad_mode.hpp"
#include "xgrad/distributed/collectives.hpp"

namespace xgrad::distributed {

namespace {

/// Equal texts give equal fingerprints; a chance collision (2^-64) only
/// hides a difference, it never reports a false one.
std::int64_t fingerprint(std::string_view text) { return static_cast<std::int64_t>(xgrad::detail::fnv1a(text)); }

/// Every rank's `text`, in rank order.
std::vector<std::string> gather_texts(const std::string& text) {
    Tensor bytes = empty({static_cast<std::int64_t>(text.size())}, uint8);
    if (!text.empty()) std::memcpy(bytes.raw_data(), text.data(), text.size());
    const Tensor lengths = all_gather(scalar(static_cast<double>(text.size()), int64));
    const Tensor all = all_gather(bytes);
    std::vector<std::string> texts;
    const auto* at = static_cast<const char*>(all.raw_data());
    for (const std::int64_t n : lengths.to_vector<std::int64_t>()) {
        texts.emplace_back(at, static_cast<std::size_t>(n));
        at += n;
    }
    return texts;
}

/// "rank 1", or "ranks 0, 2-4".
std::string ranks_text(const std::vector<int>& ranks) {
    std::string out = ranks.size() == 1 ? "rank " : "ranks ";
    for (std::size_t i = 0; i < ranks.size();) {
        std::size_t j = i;
        while (j + 1 < ranks.size() && ranks[j + 1] == ranks[j] + 1) ++j;
        if (i > 0) out += ", ";
        out += std::to_string(ranks[i]);
        if (j > i) (out += '-') += std::to_string(ranks[j]);
        i = j + 1;
    }
    return out;
}

// Long values (a model's description) are shown from a little before their
// first difference, so that the message names the layer or option that differs.
constexpr std::size_t kShownChars = 160;
constexpr std::size_t kContextChars = 60;
// More distinct values than this (each rank a different seed) are counted, not listed.
constexpr std::size_t kShownValues = 4;

std::string shown(const std::string& value, std::size_t first_difference) {
    if (value.size() <= kShownChars) return value;
    const std::size_t from = first_difference > kContextChars ? first_difference - kContextChars : 0;
    std::string out = from > 0 ? "…" : "";
    out.append(value, from, kShownChars);
    if (from + kShownChars < value.size()) out += "…";
    return out;
}

/// "the seed: rank 0 has 42, rank 1 has 7".
std::string difference(const std::string& what, const std::vector<std::string>& texts) {
    std::vector<std::string> distinct;
    std::vector<std::vector<int>> holders;
    for (std::size_t r = 0; r < texts.size(); ++r) {
        const auto it = std::find(distinct.begin(), distinct.end(), texts[r]);
        if (it == distinct.end()) {
            distinct.push_back(texts[r]);
            holders.push_back({static_cast<int>(r)});
        } else {
            holders[static_cast<std::size_t>(it - distinct.begin())].push_back(static_cast<int>(r));
        }
    }
    std::size_t first_difference = distinct[0].size();
    for (std::size_t i = 1; i < distinct.size(); ++i) {
        const auto [a, b] = std::mismatch(distinct[0].begin(), distinct[0].end(), distinct[i].begin(), distinct[i].end());
        first_difference = std::min(first_difference, static_cast<std::size_t>(a - distinct[0].begin()));
    }
    std::string out = what + ": ";
    for (std::size_t i = 0; i < distinct.size() && i < kShownValues; ++i) {
        if (i) out += ", ";
        ((out += ranks_text(holders[i])) += holders[i].size() == 1 ? " has " : " have ") +=
            shown(distinct[i], first_difference);
    }
    if (distinct.size() > kShownValues)
        ((out += " and ") += std::to_string(distinct.size() - kShownValues)) += " more values on other ranks";
    return out;
}

}  // namespace

void check_same_across_ranks(const std::vector<NamedValue>& values) {
    if (size() == 1 || values.empty()) return;
    NoGradGuard no_grad;
    const auto count = static_cast<std::int64_t>(values.size());
    Tensor mine = empty({1, count}, int64);
    for (std::int64_t i = 0; i < count; ++i) mine.data<std::int64_t>()[i] = fingerprint(values[static_cast<std::size_t>(i)].value);
    const Tensor all = all_gather(mine);  // [ranks, count]
    const std::int64_t* prints = all.data<std::int64_t>();
    std::string problems;
    for (std::int64_t i = 0; i < count; ++i) {
        bool same = true;
        for (std::int64_t r = 1; r < all.size(0) && same; ++r) same = prints[r * count + i] == prints[i];
        if (same) continue;
        // Every rank sees the same fingerprints, so every rank gathers the same values here.
        const NamedValue& v = values[static_cast<std::size_t>(i)];
        (problems += problems.empty() ? "" : "; on ") += difference(v.what, gather_texts(v.value));
    }
    if (!problems.empty()) throw ValueError("ranks disagree on " + problems);
}

void check_same_across_ranks(const std::string& what, const std::string& value) {
    check_same_across_ranks({NamedValue{what, value}});
}

}  // namespace xgrad::distributed
