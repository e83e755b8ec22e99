// CSV tables: values, label columns (integers, numbers NumPy writes, text),
// quoting, line ends, and errors naming the line and column.
#include <sys/stat.h>

#include <sys/resource.h>

#include <filesystem>

#include "../test_helpers.hpp"

using namespace xgrad;
using xgrad_test::values;
namespace tt = boost::test_tools;

namespace {

/// The process's peak resident set so far, in MiB.
long peak_rss_mib() {
    struct rusage usage {};
    ::getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(data_csv)

// First, while the process's peak is low: a million rows (6 MB of text, x
// 4 MB, y 8 MB) parse without a per-cell copy of the table.
BOOST_AUTO_TEST_CASE(memory_near_the_tensors) {
    std::string text = "a,label\n";
    constexpr std::int64_t rows = 1'000'000;
    for (std::int64_t i = 0; i < rows; ++i) text += std::to_string(i % 1000) + "," + std::to_string(i % 7) + "\n";
    const long before = peak_rss_mib();
    const auto t = data::parse_csv(text, "big.csv", {.label_column = "label"});
    BOOST_TEST(peak_rss_mib() - before < 32);
    BOOST_TEST(t.x.shape() == Shape({rows, 1}));
    const float* x = t.x.data<float>();
    const std::int64_t* y = t.y.data<std::int64_t>();
    for (const std::int64_t i : std::initializer_list<std::int64_t>{0, 1, 999, 1000, 123456, rows - 1}) {
        BOOST_TEST(x[i] == static_cast<float>(i % 1000));
        BOOST_TEST(y[i] == i % 7);
    }
}

BOOST_AUTO_TEST_CASE(features_and_text_labels) {
    const std::string text =
        "sepal length,\"width, cm\",species\r\n"
        "5.1,3.5,setosa\r\n"
        "\r\n"
        "6.2, -2.5e-1 ,\"virginica\"\r\n"
        "4.9,+nan,versicolor\r\n"
        "7,inf,setosa";
    const auto t = data::parse_csv(text, "iris.csv", {.label_column = "species"});
    BOOST_TEST(t.feature_names == std::vector<std::string>({"sepal length", "width, cm"}), tt::per_element());
    BOOST_TEST(t.x.shape() == Shape({4, 2}));
    const auto x = values(t.x);
    BOOST_TEST(x[0] == 5.1f);
    BOOST_TEST(x[3] == -0.25);
    BOOST_TEST(std::isnan(x[5]));
    BOOST_TEST(std::isinf(x[7]));
    // Text labels: the sorted names, y their indices.
    BOOST_TEST(t.classes == std::vector<std::string>({"setosa", "versicolor", "virginica"}), tt::per_element());
    BOOST_TEST(t.y.to_vector<std::int64_t>() == std::vector<std::int64_t>({0, 2, 1, 0}), tt::per_element());
    // Without a label column every column is a feature (the text one then fails).
    CHECK_THROWS_WITH(data::parse_csv(text, "iris.csv"), IoError,
                      "iris.csv: line 2, column 'species': not a number: 'setosa'");
}

BOOST_AUTO_TEST_CASE(file_written_by_numpy) {
    // np.savetxt: rows [0.5i, i², i % 2] with full-precision exponents.
    const auto t = data::read_csv(std::string(XGRAD_NUMPY_FILES) + "/numpy_table.csv", {.label_column = "label"});
    BOOST_TEST(t.x.shape() == Shape({4, 2}));
    BOOST_TEST(values(t.x) == std::vector<double>({0, 0, 0.5, 1, 1, 4, 1.5, 9}), tt::per_element());
    BOOST_TEST(t.classes.empty());
    BOOST_TEST(t.y.to_vector<std::int64_t>() == std::vector<std::int64_t>({0, 1, 0, 1}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(quotes_and_delimiters) {
    const auto t = data::parse_csv("a;\"b\"\"q\"\n1;\"2\"\n", "q.csv", {.delimiter = ';'});
    BOOST_TEST(t.feature_names == std::vector<std::string>({"a", "b\"q"}), tt::per_element());
    BOOST_TEST(values(t.x) == std::vector<double>({1, 2}), tt::per_element());
    BOOST_TEST(!t.y.defined());
    // A quoted label may span lines; the next row's line number counts them.
    CHECK_THROWS_WITH(data::parse_csv("x,y\n1,\"two\nlines\"\n2\n", "m.csv", {.label_column = "y"}), IoError,
                      "m.csv: line 4 has 1 fields, the header 2");
}

BOOST_AUTO_TEST_CASE(errors_name_line_and_column) {
    CHECK_THROWS_WITH(data::parse_csv("", "e.csv"), IoError, "e.csv: empty file");
    CHECK_THROWS_WITH(data::parse_csv("a,b\n", "e.csv"), IoError, "no data rows after the header");
    CHECK_THROWS_WITH(data::parse_csv("a,a\n1,2\n", "e.csv"), IoError, "column 'a' appears twice");
    CHECK_THROWS_WITH(data::parse_csv("a,,c\n1,2,3\n", "e.csv"), IoError, "has an empty column name");
    CHECK_THROWS_WITH(data::parse_csv("a,b\n1,2\n3,4,5\n", "e.csv"), IoError, "line 3 has 3 fields, the header 2");
    CHECK_THROWS_WITH(data::parse_csv("a,b\n1,\n", "e.csv"), IoError, "line 2, column 'b': empty value");
    CHECK_THROWS_WITH(data::parse_csv("a,b\n1,2x\n", "e.csv"), IoError, "line 2, column 'b': not a number: '2x'");
    CHECK_THROWS_WITH(data::parse_csv("a,b\n1,\"2\n", "e.csv"), IoError, "unterminated quote opened on line 2");
    CHECK_THROWS_WITH(data::parse_csv("a,b\n1,2\n", "e.csv", {.label_column = "label"}), IoError,
                      "no column 'label' (the header has: a, b)");
    CHECK_THROWS_WITH(data::parse_csv("a,label\n1,\n", "e.csv", {.label_column = "label"}), IoError,
                      "line 2, column 'label': empty label");
    CHECK_THROWS_WITH(data::read_csv("/nonexistent/t.csv"), IoError, "/nonexistent/t.csv: cannot open");
}

// Excel and pandas (utf-8-sig) start the file with a UTF-8 byte-order mark.
BOOST_AUTO_TEST_CASE(utf8_byte_order_mark_is_skipped) {
    const data::CsvTable t = data::parse_csv("\xEF\xBB\xBFlabel,a,b\n1,2,3\n0,4,5\n", "bom.csv", {.label_column = "label"});
    BOOST_TEST(t.feature_names == std::vector<std::string>({"a", "b"}), tt::per_element());
    BOOST_TEST(t.y.to_vector<std::int64_t>() == std::vector<std::int64_t>({1, 0}), tt::per_element());
    BOOST_TEST(values(t.x) == std::vector<double>({2, 3, 4, 5}), tt::per_element());
    // Without a label column the mark is not part of the first feature's name either.
    BOOST_TEST(data::parse_csv("\xEF\xBB\xBF" "a,b\n1,2\n", "bom.csv").feature_names[0] == "a");
}

// A million columns: the "no column" message names the first 20 and counts the rest.
BOOST_AUTO_TEST_CASE(missing_column_message_is_bounded) {
    std::string header, row;
    for (int c = 0; c < 1000000; ++c) {
        header += (c == 0 ? "c" : ",c") + std::to_string(c);
        row += c == 0 ? "0" : ",0";
    }
    try {
        data::parse_csv(header + "\n" + row + "\n", "wide.csv", {.label_column = "label"});
        BOOST_FAIL("no IoError");
    } catch (const IoError& e) {
        const std::string message = e.what();
        BOOST_TEST(message.find("wide.csv: no column 'label' (the header has: c0, c1, ") != std::string::npos);
        BOOST_TEST(message.find("c19, … and 999980 more)") != std::string::npos);
        BOOST_TEST(message.find("c20") == std::string::npos);
        BOOST_TEST(message.size() < 300u);
    }
    // Each name shown is cut at 40 bytes too.
    CHECK_THROWS_WITH(data::parse_csv(std::string(1000, 'n') + ",b\n1,2\n", "long.csv", {.label_column = "label"}),
                      IoError, "(the header has: " + std::string(40, 'n') + "…, b)");
}

BOOST_AUTO_TEST_CASE(numeric_labels_stay_numeric) {
    // Integer labels keep their values (2, 10, 3 are not sorted as text), with spaces and '+'.
    const auto t = data::parse_csv("a,label\n1,2\n2, 10 \n3,+3\n4,3.0e0\n", "n.csv", {.label_column = "label"});
    BOOST_TEST(t.classes.empty());
    BOOST_TEST(t.y.to_vector<std::int64_t>() == std::vector<std::int64_t>({2, 10, 3, 3}), tt::per_element());
    // One bad value in a numeric column is an error naming it, not text classes.
    for (const std::string bad : {"nan", "inf", "1e400", "2.5", "setosa", "9007199254740994"}) {
        BOOST_TEST_CONTEXT(bad) {
            CHECK_THROWS_WITH(data::parse_csv("a,label\n1,2\n2,10\n3," + bad + "\n", "n.csv", {.label_column = "label"}),
                              IoError,
                              "n.csv: line 4, column 'label': not a whole number: '" + bad +
                                  "' (the labels are numbers: line 2 holds '2')");
        }
    }
    // Text labels (the first is not a number): names, also those that look like numbers, sorted.
    const auto text = data::parse_csv("a,label\n1,b\n2,10\n3,a\n4,b\n", "t.csv", {.label_column = "label"});
    BOOST_TEST(text.classes == std::vector<std::string>({"10", "a", "b"}), tt::per_element());
    BOOST_TEST(text.y.to_vector<std::int64_t>() == std::vector<std::int64_t>({2, 0, 1, 2}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(directory_and_delimiter) {
    const std::string dir = std::filesystem::temp_directory_path().string();
    CHECK_THROWS_WITH(data::read_csv(dir), IoError, dir + ": is a directory");
    const std::string fifo = dir + "/xgrad_csv_test_fifo";  // opening it would wait for a writer forever
    std::filesystem::remove(fifo);
    BOOST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    CHECK_THROWS_WITH(data::read_csv(fifo), IoError, fifo + ": is not a regular file (a FIFO)");
    std::filesystem::remove(fifo);
    CHECK_THROWS_WITH(data::parse_csv("a\n1\n", "d.csv", {.delimiter = '"'}), ValueError,
                      "d.csv: CsvOptions::delimiter cannot be a quote or a line end");
}

BOOST_AUTO_TEST_SUITE_END()
