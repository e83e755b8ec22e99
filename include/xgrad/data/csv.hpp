#pragma once
/// \file
/// Numeric CSV files with a header row, e.g. a table exported from pandas:
///
///     sepal_length,sepal_width,species
///     5.1,3.5,setosa
///
///     auto table = data::read_csv("iris.csv", {.label_column = "species"});
///     // table.x float32 [rows, 2], table.y int64 [rows], table.classes {"setosa", …}
///
/// Fields are separated by `delimiter`; a field may be quoted ("…", with ""
/// for a quote inside, and may then hold the delimiter or a newline, as RFC
/// 4180 and Python's csv module write); "\r\n" line ends are accepted and
/// empty lines skipped. Feature values are parsed as numbers (nan and inf
/// included) into float32.
///
/// The label column is numeric or text, as its first data row says. When
/// that label is a number (as C++'s from_chars reads one, spaces and a
/// leading '+' aside: 2, 1.000e+00 as np.savetxt writes, but also nan, inf
/// or 1e400), every label must be a whole number within ±2^53, used as it
/// is; any other value (nan, inf, 1e400, 2.5, a name) is an IoError naming
/// its line and column. Otherwise the labels are text: the distinct names
/// sorted, y their indices, as scikit-learn's LabelEncoder (a name that
/// looks like a number is then a name like any other).
///
/// Every problem throws xgrad::IoError starting with the file's name and
/// naming the line and column: an empty or non-numeric value, a row with
/// too few or too many fields, an unterminated quote, a duplicate or
/// missing column name, a file without data rows; a path that is a
/// directory is "PATH: is a directory". A delimiter that is a quote or a
/// line end is a ValueError.
///
/// Memory: the values are parsed straight into x and y, so reading peaks
/// near the file's size plus the tensors' (and the distinct text labels).
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "xgrad/core/tensor.hpp"

namespace xgrad::data {

/// Options of read_csv() and parse_csv().
struct CsvOptions {
    /// The column holding the labels; empty: every column is a feature.
    std::string label_column{};
    char delimiter = ',';  ///< The field separator (e.g. ';' or a tab).
};

/// A parsed CSV file: features, labels and the names found in it.
struct CsvTable {
    Tensor x;                                 ///< float32 [rows, features]
    Tensor y;                                 ///< int64 [rows]; undefined without a label column
    std::vector<std::string> feature_names;   ///< the header's names of x's columns
    std::vector<std::string> classes;         ///< text labels' names (y indexes them); empty for integer labels
};

/// Reads a CSV file.
CsvTable read_csv(const std::filesystem::path& path, const CsvOptions& options = {});
/// Parses CSV text; `name` starts error messages.
CsvTable parse_csv(std::string_view text, const std::string& name, const CsvOptions& options = {});

}  // namespace xgrad::data
