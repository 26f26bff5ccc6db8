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

// ", ' or `: the quotes that delimit string literals in code and configuration files.
inline bool is_quote(char c)
{
  return c == '"' || c == '\'' || c == '`';
}

// A character of a URL scheme after its first letter: RFC 3986's letters, digits, '+', '.' and '-', plus '_', which
// SQLAlchemy driver names use (oracle+cx_oracle, ibm_db_sa).
inline bool is_url_scheme_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '.'
         || c == '-' || c == '_';
}

}  // namespace dsnguard::util
