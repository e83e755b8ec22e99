#include "xgrad/core/config.hpp"

namespace xgrad {

bool ConfigCodec<std::vector<std::int64_t>>::decode(const Config& c, const std::string& key,
                                                    std::vector<std::int64_t>& out) {
    const auto it = c.find(key);
    if (it == c.end()) return false;
    const std::string& s = it->second;
    if (s.size() < 2 || s.front() != '[' || s.back() != ']') detail::bad_config_value(key, s, "a list of integers");
    std::vector<std::int64_t> values;
    const char* p = s.data() + 1;
    const char* end = s.data() + s.size() - 1;
    while (p < end) {
        std::int64_t v = 0;
        const auto r = std::from_chars(p, end, v);
        if (r.ec != std::errc() || (r.ptr != end && *r.ptr != ',') || r.ptr + 1 == end)
            detail::bad_config_value(key, s, "a list of integers");
        values.push_back(v);
        p = r.ptr == end ? end : r.ptr + 1;
    }
    out = std::move(values);
    return true;
}

Config config_numbers(std::initializer_list<std::pair<const char*, double>> options) {
    Config c;
    for (const auto& [key, value] : options) ConfigCodec<double>::encode(c, key, value);
    return c;
}

Config sub_config(const Config& c, const std::string& key) {
    Config out;
    const std::string prefix = key + ".";
    for (auto it = c.lower_bound(prefix); it != c.end() && it->first.starts_with(prefix); ++it)
        out.emplace(it->first.substr(prefix.size()), it->second);
    return out;
}

void put_sub_config(Config& c, const std::string& key, const std::string& name, const Config& options) {
    c[key] = name;
    for (const auto& [k, v] : options) c[key + "." + k] = v;
}

}  // namespace xgrad
