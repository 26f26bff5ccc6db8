// Percent-decoding and -encoding (RFC 3986) for userinfo, hosts and query values.
#include "dsn/conninfo.hpp"

namespace dsnguard::dsn {

namespace {

int hex_value(char c)
{
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

}  // namespace

std::string percent_decode(std::string_view s, bool* ok)
{
  std::string out;
  out.reserve(s.size());
  bool good = true;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
        out.push_back(char(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
        i += 2;
        continue;
      }
      good = false;  // invalid escape: copied raw, as libpq reports "invalid percent-encoded token"
    }
    out.push_back(s[i]);
  }
  if (ok != nullptr) {
    *ok = good;
  }
  return out;
}

std::string percent_encode_userinfo(std::string_view s)
{
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    const bool unreserved = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || c == '-'
                            || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(k_hex[u >> 4]);
      out.push_back(k_hex[u & 15]);
    }
  }
  return out;
}

}  // namespace dsnguard::dsn
