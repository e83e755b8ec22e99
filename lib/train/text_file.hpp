#pragma once
// Writing a whole text file without ever leaving a half-written one behind.
#include <string>

namespace xgrad::train::detail {

/// Writes `text` to a temporary file beside `path`, then renames it over
/// `path`: a failure leaves the previous file as it was. IoError on failure.
void write_text_file(const std::string& path, const std::string& text);

}  // namespace xgrad::train::detail
