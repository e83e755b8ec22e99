// CSV reading without a copy of the table: a scanner yields each field as a
// view of the text (a quoted field is unescaped into one reused string). A
// first pass counts the rows and checks their field counts, so the tensors
// are allocated once at their final size; a second parses the numbers
// straight into them. Peak memory is the text plus the tensors.
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

/// The fields of CSV text, row by row (quotes per RFC 4180); empty lines are skipped.
class Scanner {
public:
    Scanner(std::string_view text, char delimiter, const std::string& name)
        : text_(text), delimiter_(delimiter), name_(name) {}

    /// Moves to the start of the next row; false at the end of the text.
    bool next_row() {
        while (pos_ < text_.size()) {
            if (text_[pos_] == '\n') {
                ++pos_;
            } else if (text_.substr(pos_, 2) == "\r\n") {
                pos_ += 2;
            } else {
                row_line_ = line_;
                return true;
            }
            ++line_;
        }
        return false;
    }

    /// The line the current row starts on (1-based).
    std::size_t row_line() const { return row_line_; }

    /// The current row's next field; `last` tells whether it ended the row.
    /// The view lives until the next call.
    std::string_view field(bool& last) {
        std::string_view value;
        if (pos_ < text_.size() && text_[pos_] == '"') {
            unquoted_.clear();
            const std::size_t opened = line_;
            for (++pos_;;) {
                const std::size_t quote = text_.find('"', pos_);
                if (quote == std::string_view::npos)
                    throw IoError(name_ + ": unterminated quote opened on line " + std::to_string(opened));
                line_ += static_cast<std::size_t>(std::count(text_.begin() + pos_, text_.begin() + quote, '\n'));
                unquoted_.append(text_.substr(pos_, quote - pos_));
                pos_ = quote + 1;
                if (pos_ == text_.size() || text_[pos_] != '"') break;
                unquoted_ += '"';  // "" inside quotes
                ++pos_;
            }
            // Text after the closing quote still belongs to the field.
            const std::size_t end = field_end();
            unquoted_.append(text_.substr(pos_, end - pos_));
            pos_ = end;
            value = unquoted_;
        } else {
            const std::size_t end = field_end();
            value = text_.substr(pos_, end - pos_);
            pos_ = end;
        }
        last = true;
        if (pos_ == text_.size()) return value;
        if (text_[pos_] == delimiter_) {
            ++pos_;
            last = false;
        } else {
            pos_ += text_[pos_] == '\n' ? 1 : 2;  // "\n" or "\r\n"
            ++line_;
        }
        return value;
    }

private:
    /// Where the unquoted text from pos_ ends: a delimiter, a line end or the end.
    std::size_t field_end() const {
        std::size_t i = pos_;
        while (i < text_.size() && text_[i] != delimiter_ && text_[i] != '\n' &&
               !(text_[i] == '\r' && i + 1 < text_.size() && text_[i + 1] == '\n'))
            ++i;
        return i;
    }

    std::string_view text_;
    char delimiter_;
    const std::string& name_;
    std::size_t pos_ = 0, line_ = 1, row_line_ = 1;
    std::string unquoted_;
};

/// A number as from_chars reads it, after trimming spaces and a leading '+'.
struct Number {
    bool numeric = false;   // the whole text is a number (perhaps out of double's range)
    bool in_range = false;  // and `value` holds it
    double value = 0;
    bool empty = false;     // nothing but spaces
};

Number parse_number(std::string_view text) {
    const char* first = text.data();
    const char* last = first + text.size();
    while (first < last && *first == ' ') ++first;
    while (last > first && last[-1] == ' ') --last;
    if (first < last && *first == '+') ++first;
    Number n;
    n.empty = first == last;
    const auto [end, error] = std::from_chars(first, last, n.value);
    n.numeric = !n.empty && end == last && (error == std::errc() || error == std::errc::result_out_of_range);
    n.in_range = n.numeric && error == std::errc();
    return n;
}

/// A name or value for a message: its first 40 bytes, then "…" if longer.
std::string truncated(std::string_view value) {
    return value.size() > 40 ? std::string(value.substr(0, 40)) + "…" : std::string(value);
}

std::string shown(std::string_view value) {
    std::string quoted = truncated(value);  // (not "'" + …: g++ 12 warns -Wrestrict falsely)
    quoted.insert(quoted.begin(), '\'');
    quoted.push_back('\'');
    return quoted;
}

/// The label column's values into y: whole numbers, or text names numbered
/// by first appearance (renumbered in sorted order by finish()).
class Labels {
public:
    Labels(std::int64_t* y, const std::string& name, const std::string& column) : y_(y), name_(name), column_(column) {}

    void add(std::string_view value, std::size_t line) {
        if (value.empty()) fail(line, "empty label");
        const Number n = parse_number(value);
        if (rows_ == 0) {
            numeric_ = n.numeric;
            first_ = value;
            first_line_ = line;
        }
        if (numeric_) {
            // 2^53: the largest range where every whole double is exact.
            constexpr double exact = 9007199254740992.0;
            if (!n.in_range || n.value != std::floor(n.value) || std::abs(n.value) > exact)
                fail(line, "not a whole number: " + shown(value) + " (the labels are numbers: line " +
                               std::to_string(first_line_) + " holds " + shown(first_) + ")");
            y_[rows_++] = static_cast<std::int64_t>(n.value);
            return;
        }
        const auto found = ids_.find(value);
        y_[rows_++] = found != ids_.end() ? found->second
                                          : ids_.emplace(std::string(value), static_cast<std::int64_t>(ids_.size()))
                                                .first->second;
    }

    /// The sorted class names (empty for numeric labels), y renumbered to index them.
    std::vector<std::string> finish() {
        std::vector<std::string> classes;
        if (numeric_) return classes;
        std::vector<std::int64_t> sorted_index(ids_.size());
        for (auto& [label, id] : ids_) {
            sorted_index[static_cast<std::size_t>(id)] = static_cast<std::int64_t>(classes.size());
            classes.push_back(label);  // the map iterates in sorted order
        }
        for (std::int64_t r = 0; r < rows_; ++r) y_[r] = sorted_index[static_cast<std::size_t>(y_[r])];
        return classes;
    }

private:
    [[noreturn]] void fail(std::size_t line, const std::string& what) const {
        throw IoError(name_ + ": line " + std::to_string(line) + ", column '" + column_ + "': " + what);
    }

    std::int64_t* y_;
    const std::string& name_;
    const std::string& column_;
    std::int64_t rows_ = 0;
    bool numeric_ = false;
    std::string first_;
    std::size_t first_line_ = 0;
    std::map<std::string, std::int64_t, std::less<>> ids_;  // text labels: name → first-appearance number
};

}  // namespace

CsvTable parse_csv(std::string_view text, const std::string& name, const CsvOptions& options) {
    if (options.delimiter == '"' || options.delimiter == '\n' || options.delimiter == '\r')
        throw ValueError(name + ": CsvOptions::delimiter cannot be a quote or a line end");
    // Excel and pandas' utf-8-sig start the file with a UTF-8 byte-order mark; it is not part of the first name.
    constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";
    if (text.starts_with(utf8_bom)) text.remove_prefix(utf8_bom.size());
    Scanner scanner(text, options.delimiter, name);
    if (!scanner.next_row()) throw IoError(name + ": empty file (expected a header row)");
    std::vector<std::string> header;
    for (bool last = false; !last;) header.emplace_back(scanner.field(last));
    std::set<std::string_view> seen;
    for (const std::string& column : header) {
        if (column.empty())
            throw IoError(name + ": the header (line " + std::to_string(scanner.row_line()) + ") has an empty column name");
        if (!seen.insert(column).second) throw IoError(name + ": column '" + column + "' appears twice in the header");
    }
    std::ptrdiff_t label = -1;
    if (!options.label_column.empty()) {
        const auto found = std::find(header.begin(), header.end(), options.label_column);
        if (found == header.end()) {
            // The first names only: a header of a million columns must not make a megabyte message.
            constexpr std::size_t shown_columns = 20;
            std::string columns;
            for (std::size_t c = 0; c < std::min(header.size(), shown_columns); ++c)
                columns += (c == 0 ? "" : ", ") + truncated(header[c]);
            if (header.size() > shown_columns)
                columns += ", … and " + std::to_string(header.size() - shown_columns) + " more";
            throw IoError(name + ": no column '" + options.label_column + "' (the header has: " + columns + ")");
        }
        label = found - header.begin();
    }

    // First pass: the rows and their field counts, before anything is sized from them.
    const Scanner body = scanner;
    std::int64_t rows = 0;
    for (Scanner counter = body; counter.next_row(); ++rows) {
        std::size_t fields = 0;
        for (bool last = false; !last; ++fields) counter.field(last);
        if (fields != header.size())
            throw IoError(name + ": line " + std::to_string(counter.row_line()) + " has " + std::to_string(fields) +
                          " fields, the header " + std::to_string(header.size()));
    }
    if (rows == 0) throw IoError(name + ": no data rows after the header");

    CsvTable table;
    for (std::size_t c = 0; c < header.size(); ++c)
        if (static_cast<std::ptrdiff_t>(c) != label) table.feature_names.push_back(header[c]);
    table.x = Tensor({rows, static_cast<std::int64_t>(table.feature_names.size())}, float32);
    float* x = table.x.data<float>();
    if (label >= 0) table.y = Tensor({rows}, int64);
    const std::string no_label;
    Labels labels(label >= 0 ? table.y.data<std::int64_t>() : nullptr, name, label >= 0 ? header[label] : no_label);

    // Second pass: the values, straight into x and y.
    for (Scanner reader = body; reader.next_row();) {
        bool last = false;
        for (std::size_t c = 0; !last; ++c) {
            const std::string_view value = reader.field(last);
            if (static_cast<std::ptrdiff_t>(c) == label) {
                labels.add(value, reader.row_line());
                continue;
            }
            const Number n = parse_number(value);
            if (!n.in_range)
                throw IoError(name + ": line " + std::to_string(reader.row_line()) + ", column '" + header[c] + "': " +
                              (n.empty ? std::string("empty value") : "not a number: " + shown(value)));
            *x++ = static_cast<float>(n.value);
        }
    }
    if (label >= 0) table.classes = labels.finish();
    return table;
}

CsvTable read_csv(const std::filesystem::path& path, const CsvOptions& options) {
    const auto bytes = detail::read_file_bytes(path.string());
    return parse_csv(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), path.string(), options);
}

}  // namespace xgrad::data
