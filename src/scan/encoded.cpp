#include "scan/encoded.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace dsnguard::scan {

namespace {

constexpr std::size_t k_min_token = 12;

constexpr std::array<signed char, 256> make_table()
{
  std::array<signed char, 256> t{};
  for (auto& v : t) {
    v = -1;
  }
  for (int i = 0; i < 26; ++i) {
    t[static_cast<std::size_t>('A' + i)] = static_cast<signed char>(i);
    t[static_cast<std::size_t>('a' + i)] = static_cast<signed char>(26 + i);
  }
  for (int i = 0; i < 10; ++i) {
    t[static_cast<std::size_t>('0' + i)] = static_cast<signed char>(52 + i);
  }
  t['+'] = 62;
  t['/'] = 63;
  return t;
}

constexpr std::array<signed char, 256> k_value = make_table();

bool is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\r';
}

bool is_key_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'
         || c == '.';
}

// Text a person would have written: no control bytes other than tab and newlines.
bool printable(std::string_view s)
{
  return std::all_of(s.begin(), s.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c >= 0x20 ? c != 0x7f : (c == '\t' || c == '\n' || c == '\r');
  });
}

// A line holding `kind: Secret` (YAML) or `"kind": "Secret"` (JSON).
bool is_secret_manifest(std::string_view bytes)
{
  for (std::size_t at = bytes.find("Secret"); at != std::string_view::npos; at = bytes.find("Secret", at + 1)) {
    const std::size_t end = at + 6;
    if (end < bytes.size() && is_key_char(bytes[end])) {
      continue;  // SecretProviderClass, SecretStore, ...
    }
    const std::size_t newline = bytes.rfind('\n', at);
    const std::size_t line = newline == std::string_view::npos ? 0 : newline + 1;
    std::string_view before = bytes.substr(line, at - line);
    while (!before.empty() && (is_space(before.back()) || before.back() == '"' || before.back() == '\'')) {
      before.remove_suffix(1);
    }
    if (before.empty() || before.back() != ':') {
      continue;
    }
    before.remove_suffix(1);
    while (!before.empty() && (is_space(before.back()) || before.back() == '"')) {
      before.remove_suffix(1);
    }
    if (before.size() >= 4 && before.substr(before.size() - 4) == "kind") {
      return true;
    }
  }
  return false;
}

}  // namespace

bool may_hold_manifest(std::string_view path)
{
  const std::size_t dot = path.rfind('.');
  if (dot == std::string_view::npos || path.size() - dot > 5) {
    return false;
  }
  std::string ext(path.substr(dot + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; });
  return ext == "yaml" || ext == "yml" || ext == "json";
}

bool decode_base64(std::string_view text, std::string& out)
{
  out.clear();
  while (!text.empty() && text.back() == '=') {
    text.remove_suffix(1);
  }
  if (text.size() % 4 == 1) {
    return false;
  }
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char ch : text) {
    const signed char v = k_value[static_cast<unsigned char>(ch)];
    if (v < 0) {
      return false;
    }
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xffu));
    }
  }
  return true;
}

std::vector<EncodedValue> kubernetes_secret_values(std::string_view bytes)
{
  std::vector<EncodedValue> out;
  if (!is_secret_manifest(bytes)) {
    return out;
  }
  std::string decoded;
  std::size_t line = 0;
  while (line < bytes.size()) {
    std::size_t end = bytes.find('\n', line);
    if (end == std::string_view::npos) {
      end = bytes.size();
    }
    // [spaces] ["]KEY["] : [spaces] ["]BASE64["] [,] [spaces]
    std::size_t i = line;
    while (i < end && is_space(bytes[i])) {
      ++i;
    }
    const bool quoted_key = i < end && bytes[i] == '"';
    i += quoted_key ? 1 : 0;
    const std::size_t key = i;
    while (i < end && is_key_char(bytes[i])) {
      ++i;
    }
    bool ok = i > key;
    if (ok && quoted_key) {
      ok = i < end && bytes[i] == '"';
      ++i;
    }
    while (ok && i < end && is_space(bytes[i])) {
      ++i;
    }
    ok = ok && i < end && bytes[i] == ':';
    ++i;
    while (ok && i < end && is_space(bytes[i])) {
      ++i;
    }
    const char quote = ok && i < end && (bytes[i] == '"' || bytes[i] == '\'') ? bytes[i] : '\0';
    i += quote != '\0' ? 1 : 0;
    const std::size_t token = i;
    while (ok && i < end && (k_value[static_cast<unsigned char>(bytes[i])] >= 0 || bytes[i] == '=')) {
      ++i;
    }
    const std::size_t token_end = i;
    if (ok && quote != '\0') {
      ok = i < end && bytes[i] == quote;
      ++i;
    }
    if (ok && i < end && bytes[i] == ',') {
      ++i;
    }
    while (ok && i < end && is_space(bytes[i])) {
      ++i;
    }
    ok = ok && i == end && token_end - token >= k_min_token;
    if (ok && decode_base64(bytes.substr(token, token_end - token), decoded) && printable(decoded)) {
      out.push_back({token, token_end - token, decoded});
    }
    line = end + 1;
  }
  return out;
}

}  // namespace dsnguard::scan
