#include "lint/uri_render.hpp"

#include <algorithm>
#include <vector>

namespace dsnguard::lint {

namespace {

bool unreserved(unsigned char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
         || c == '_' || c == '~';
}

std::string encode(std::string_view s, std::string_view keep)
{
  static const char* k_hex = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (unreserved(c) || keep.find(ch) != std::string_view::npos) {
      out += ch;
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 15];
    }
  }
  return out;
}

std::string render_host(const dsn::HostPort& h)
{
  std::string out;
  if (h.bracketed || h.host.find(':') != std::string::npos) {
    out = "[" + h.host + "]";
  } else {
    out = encode(h.host, "");
  }
  if (!h.port.empty()) {
    out += ":" + h.port;
  }
  return out;
}

// Quotes a key=value value when it is empty or holds spaces, quotes or backslashes.
std::string kv_value(std::string_view v)
{
  const bool plain = !v.empty() && v.find_first_of(" '\\\t") == std::string_view::npos;
  if (plain) {
    return std::string(v);
  }
  std::string out = "'";
  for (const char c : v) {
    if (c == '\'' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + "'";
}

}  // namespace

std::string encode_component(std::string_view s)
{
  return encode(s, "");
}

std::string encode_query_value(std::string_view s)
{
  return encode(s, ",/:");
}

std::string render_redacted(const dsn::ConnInfo& info)
{
  if (info.form == dsn::Form::keyvalue) {
    std::string out;
    const auto add = [&](std::string_view k, std::string_view v) {
      out += (out.empty() ? "" : " ") + std::string(k) + "=" + kv_value(v);
    };
    std::string hosts;
    std::string ports;
    for (const auto& h : info.hosts) {
      hosts += (hosts.empty() ? "" : ",") + h.host;
      ports += (ports.empty() ? "" : ",") + h.port;
    }
    if (!info.hosts.empty() && !info.param("host")) {
      add("host", hosts);
    }
    if (!ports.empty() && ports.find_first_not_of(',') != std::string::npos && !info.param("port")) {
      add("port", ports);
    }
    if (info.database && !info.param("dbname")) {
      add("dbname", *info.database);
    }
    if (info.user && !info.param("user")) {
      add("user", *info.user);
    }
    if (info.password && !info.param("password")) {
      add("password", "****");
    }
    for (const auto& [k, v] : info.params) {
      add(k, k == "password" ? "****" : v);
    }
    return out;
  }
  std::string out = info.scheme + "://";
  if (info.user || info.password) {
    out += encode_component(info.user.value_or(""));
    if (info.password) {
      out += ":****";
    }
    out += "@";
  }
  for (std::size_t i = 0; i < info.hosts.size(); ++i) {
    out += (i == 0 ? "" : ",") + render_host(info.hosts[i]);
  }
  if (info.database) {
    out += "/" + encode_component(*info.database);
  }
  if (!info.params.empty()) {
    out += "?";
    for (std::size_t i = 0; i < info.params.size(); ++i) {
      const auto& [k, v] = info.params[i];
      out += (i == 0 ? "" : "&") + encode_query_value(k) + "=" + (k == "password" ? "****" : encode_query_value(v));
    }
  }
  if (!info.fragment.empty()) {
    out += "#" + info.fragment;
  }
  return out;
}

void set_param(dsn::ConnInfo& info, std::string_view key, std::string value)
{
  for (auto& [k, v] : info.params) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  info.params.emplace_back(std::string(key), std::move(value));
}

void remove_param(dsn::ConnInfo& info, std::string_view key)
{
  auto& ps = info.params;
  ps.erase(std::remove_if(ps.begin(), ps.end(), [&](const auto& kv) { return kv.first == key; }), ps.end());
}

std::size_t edit_distance(std::string_view a, std::string_view b)
{
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace dsnguard::lint
