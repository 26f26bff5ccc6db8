#pragma once
// Small string helpers. Project-agnostic.

#include <string>
#include <string_view>
#include <vector>

namespace dsnguard::util {

std::string to_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool starts_with_icase(std::string_view s, std::string_view prefix);
bool ends_with_icase(std::string_view s, std::string_view suffix);
std::string_view trim(std::string_view s);
std::vector<std::string_view> split(std::string_view s, char sep);
// Makes `s` safe to print on one terminal line: control bytes and invalid UTF-8 become \xNN escapes.
std::string printable(std::string_view s);
// Escapes `s` for JSON string content (used only where nlohmann is not available).
std::string json_escape(std::string_view s);
// A C++ string literal (with its quotes) holding exactly `bytes`, for generated sources: printable ASCII as it is
// except \ " and ? (trigraphs), every other byte as a three-digit octal escape (so it cannot swallow the
// characters after it).
std::string c_string_literal(std::string_view bytes);
// Shannon entropy in bits per byte.
double entropy(std::string_view s);

}  // namespace dsnguard::util
