// CSV reading: one pass splits the text into rows of fields (quotes per RFC
// 4180), then the header names the columns and each row is parsed into
// numbers, the label column aside.
#include "xgrad/data/csv.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>

#include "data/zip.hpp"
#include "xgrad/core/error.hpp"

namespace xgrad::data {
namespace {

struct Row {
    std::size_t line;  // 1-based line where the row starts
    std::vector<std::string> fields;
};

/// Splits `text` into rows; empty lines are skipped.
std::vector<Row> split_rows(std::string_view text, char delimiter, const std::string& name) {
    std::vector<Row> rows;
    Row row{1, {}};
    std::string field;
    std::size_t line = 1;
    bool row_has_content = false;
    const auto end_row = [&] {
        if (row_has_content) {
            row.fields.push_back(std::move(field));
            rows.push_back(std::move(row));
        }
        row = Row{line, {}};
        field.clear();
        row_has_content = false;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '"' && field.empty()) {
            const std::size_t opened = line;
            row_has_content = true;
            for (++i;; ++i) {
                if (i >= text.size()) throw IoError(name + ": unterminated quote opened on line " + std::to_string(opened));
                if (text[i] == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        field += '"';
                        ++i;
                        continue;
                    }
                    break;
                }
                if (text[i] == '\n') ++line;
                field += text[i];
            }
        } else if (c == delimiter) {
            row.fields.push_back(std::move(field));
            field.clear();
            row_has_content = true;
        } else if (c == '\n') {
            ++line;
            end_row();
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            continue;
        } else {
            field += c;
            row_has_content = true;
        }
    }
    end_row();
    return rows;
}

std::string shown(const std::string& value) {
    return "'" + (value.size() > 40 ? value.substr(0, 40) + "…" : value) + "'";
}

}  // namespace

CsvTable parse_csv(std::string_view text, const std::string& name, const CsvOptions& options) {
    const std::vector<Row> rows = split_rows(text, options.delimiter, name);
    if (rows.empty()) throw IoError(name + ": empty file (expected a header row)");
    const std::vector<std::string>& header = rows[0].fields;
    std::set<std::string> seen;
    for (const std::string& column : header) {
        if (column.empty()) throw IoError(name + ": the header (line " + std::to_string(rows[0].line) + ") has an empty column name");
        if (!seen.insert(column).second) throw IoError(name + ": column '" + column + "' appears twice in the header");
    }
    std::ptrdiff_t label = -1;
    if (!options.label_column.empty()) {
        const auto found = std::find(header.begin(), header.end(), options.label_column);
        if (found == header.end()) {
            std::string columns;
            for (const std::string& c : header) columns += (columns.empty() ? "" : ", ") + c;
            throw IoError(name + ": no column '" + options.label_column + "' (the header has: " + columns + ")");
        }
        label = found - header.begin();
    }
    if (rows.size() < 2) throw IoError(name + ": no data rows after the header");

    CsvTable table;
    for (std::size_t c = 0; c < header.size(); ++c)
        if (static_cast<std::ptrdiff_t>(c) != label) table.feature_names.push_back(header[c]);
    const auto n = static_cast<std::int64_t>(rows.size() - 1);
    const auto features = static_cast<std::int64_t>(table.feature_names.size());
    table.x = Tensor({n, features}, float32);
    float* x = table.x.data<float>();
    std::vector<std::string> labels;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        const Row& row = rows[r];
        if (row.fields.size() != header.size())
            throw IoError(name + ": line " + std::to_string(row.line) + " has " + std::to_string(row.fields.size()) +
                          " fields, the header " + std::to_string(header.size()));
        for (std::size_t c = 0; c < header.size(); ++c) {
            const std::string& value = row.fields[c];
            if (static_cast<std::ptrdiff_t>(c) == label) {
                if (value.empty())
                    throw IoError(name + ": line " + std::to_string(row.line) + ", column '" + header[c] +
                                  "': empty label");
                labels.push_back(value);
                continue;
            }
            double v = 0;
            const char* first = value.data();
            const char* last = first + value.size();
            while (first < last && *first == ' ') ++first;
            while (last > first && last[-1] == ' ') --last;
            if (first < last && *first == '+') ++first;
            const auto [end, error] = std::from_chars(first, last, v);
            if (first == last || error != std::errc() || end != last)
                throw IoError(name + ": line " + std::to_string(row.line) + ", column '" + header[c] + "': " +
                              (first == last ? std::string("empty value") : "not a number: " + shown(value)));
            *x++ = static_cast<float>(v);
        }
    }
    if (label < 0) return table;

    table.y = Tensor({n}, int64);
    auto* y = table.y.data<std::int64_t>();
    // Integer labels, also when written as numbers like 1.000e+00 (np.savetxt).
    std::vector<std::int64_t> numbers;
    for (const std::string& s : labels) {
        double v = 0;
        const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (error != std::errc() || end != s.data() + s.size() || v != std::floor(v) || std::abs(v) > 9e15) break;
        numbers.push_back(static_cast<std::int64_t>(v));
    }
    if (numbers.size() == labels.size()) {
        std::copy(numbers.begin(), numbers.end(), y);
        return table;
    }
    const std::set<std::string> names(labels.begin(), labels.end());
    table.classes.assign(names.begin(), names.end());
    std::map<std::string, std::int64_t> index;
    for (const std::string& c : table.classes) index.emplace(c, static_cast<std::int64_t>(index.size()));
    for (const std::string& s : labels) *y++ = index.at(s);
    return table;
}

CsvTable read_csv(const std::filesystem::path& path, const CsvOptions& options) {
    const auto bytes = detail::read_file_bytes(path.string());
    return parse_csv(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), path.string(), options);
}

}  // namespace xgrad::data
