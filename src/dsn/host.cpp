// Host classification: loopback, sockets, private ranges, documentation names, compose-internal names and
// managed providers. Pure functions (no DNS, no sockets).
#include <algorithm>
#include <array>
#include <cstdint>

#include "dsn/detail.hpp"
#include "dsn/judge.hpp"

namespace dsnguard::dsn {

namespace {

bool ends_with(std::string_view s, std::string_view suffix)
{
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool contains(std::string_view s, std::string_view needle)
{
  return s.find(needle) != std::string_view::npos;
}

// Parses a dotted IPv4 address.
std::optional<std::uint32_t> parse_ipv4(std::string_view s)
{
  std::uint32_t value = 0;
  int parts = 0;
  std::size_t i = 0;
  while (parts < 4) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9') {
      return std::nullopt;
    }
    std::uint32_t octet = 0;
    std::size_t digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && digits < 4) {
      octet = octet * 10 + std::uint32_t(s[i] - '0');
      ++i;
      ++digits;
    }
    if (octet > 255) {
      return std::nullopt;
    }
    value = (value << 8) | octet;
    ++parts;
    if (parts < 4) {
      if (i >= s.size() || s[i] != '.') {
        return std::nullopt;
      }
      ++i;
    }
  }
  if (i != s.size()) {
    return std::nullopt;
  }
  return value;
}

bool in_v4(std::uint32_t ip, std::uint32_t net, int bits)
{
  const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t(0) << (32 - bits);
  return (ip & mask) == (net & mask);
}

constexpr std::uint32_t v4(int a, int b, int c, int d)
{
  return (std::uint32_t(a) << 24) | (std::uint32_t(b) << 16) | (std::uint32_t(c) << 8) | std::uint32_t(d);
}

// Words that name "some host" in documentation and templates.
bool is_doc_word(std::string_view h)
{
  static constexpr std::array<std::string_view, 30> k_words = {
      "host", "hostname", "yourhost", "your-host", "your_host", "your-hostname", "your_hostname", "your-server",
      "your_server", "yourserver", "your-db-host", "your_db_host", "db-host", "db_host", "dbhost", "myhost",
      "my-host", "server", "servername", "server-name", "your-database-host", "hostname.com", "host.com",
      "domain.com", "yourdomain.com", "your-domain.com", "mydomain.com", "xxx", "address", "ip"};
  return std::find(k_words.begin(), k_words.end(), h) != k_words.end() || h.rfind("your", 0) == 0
         || h.rfind("<", 0) == 0;
}

}  // namespace

HostKind classify_host(std::string_view raw)
{
  std::string h = detail::lower(raw);
  while (!h.empty() && h.back() == '.') {
    h.pop_back();
  }
  if (h.empty() || h.front() == '/' || h.front() == '@' || h.rfind("%2f", 0) == 0) {
    return HostKind::unix_socket;
  }
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') {
    h = h.substr(1, h.size() - 2);
  }
  if (h == "localhost" || ends_with(h, ".localhost") || h == "ip6-localhost" || h == "ip6-loopback" || h == "::1"
      || h == "0:0:0:0:0:0:0:1" || h == "0.0.0.0" || h == "::" || h == "host.docker.internal"
      || h == "host.containers.internal" || h == "127.1" || h == "(local)" || h == "." || h == "(localdb)") {
    return HostKind::loopback;
  }
  if (const auto ip = parse_ipv4(h)) {
    if (in_v4(*ip, v4(127, 0, 0, 0), 8)) {
      return HostKind::loopback;
    }
    if (in_v4(*ip, v4(192, 0, 2, 0), 24) || in_v4(*ip, v4(198, 51, 100, 0), 24) || in_v4(*ip, v4(203, 0, 113, 0), 24)) {
      return HostKind::documentation;
    }
    if (in_v4(*ip, v4(10, 0, 0, 0), 8) || in_v4(*ip, v4(172, 16, 0, 0), 12) || in_v4(*ip, v4(192, 168, 0, 0), 16)) {
      return HostKind::private_net;
    }
    if (in_v4(*ip, v4(169, 254, 0, 0), 16)) {
      return HostKind::link_local;
    }
    if (in_v4(*ip, v4(100, 64, 0, 0), 10)) {
      return HostKind::cgnat;
    }
    return HostKind::public_host;
  }
  if (contains(h, ":")) {  // IPv6
    if (h.rfind("2001:db8:", 0) == 0 || h.rfind("2001:0db8:", 0) == 0) {
      return HostKind::documentation;
    }
    if (h.rfind("fe8", 0) == 0 || h.rfind("fe9", 0) == 0 || h.rfind("fea", 0) == 0 || h.rfind("feb", 0) == 0) {
      return HostKind::link_local;
    }
    if (h.rfind("fc", 0) == 0 || h.rfind("fd", 0) == 0) {
      return HostKind::private_net;
    }
    return HostKind::public_host;
  }
  for (const std::string_view domain : {"example.com", "example.org", "example.net", "example.edu"}) {
    if (h == domain || ends_with(h, std::string(".") + std::string(domain))) {
      return HostKind::documentation;
    }
  }
  if (h == "example" || ends_with(h, ".example") || h == "test" || ends_with(h, ".test") || h == "invalid"
      || ends_with(h, ".invalid") || is_doc_word(h)) {
    return HostKind::documentation;
  }
  if (provider_of(h)) {
    return HostKind::managed;
  }
  if (!contains(h, ".")) {
    return HostKind::compose_internal;
  }
  return HostKind::public_host;
}

std::optional<std::string> provider_of(std::string_view raw)
{
  const std::string h = detail::lower(raw);
  static const std::pair<std::string_view, std::string_view> k_suffixes[] = {
      {".neon.tech", "neon"},
      {".supabase.co", "supabase"},
      {".supabase.com", "supabase"},
      {".rds.amazonaws.com", "rds"},
      {".compute-1.amazonaws.com", "heroku"},
      {".compute.amazonaws.com", "heroku"},
      {".postgres.database.azure.com", "azure"},
      {".mysql.database.azure.com", "azure"},
      {".database.windows.net", "azure"},
      {".redis.cache.windows.net", "azure"},
      {".cosmos.azure.com", "azure"},
      {".render.com", "render"},
      {".railway.app", "railway"},
      {".rlwy.net", "railway"},
      {".railway.internal", "railway"},
      {".aivencloud.com", "aiven"},
      {".db.ondigitalocean.com", "digitalocean"},
      {".tsdb.cloud.timescale.com", "timescale"},
      {".timescale.com", "timescale"},
      {".db.postgresbridge.com", "crunchy"},
      {".psdb.cloud", "planetscale"},
      {".mongodb.net", "mongodb-atlas"},
      {".upstash.io", "upstash"},
      {".redislabs.com", "redis-cloud"},
      {".redns.redis-cloud.com", "redis-cloud"},
      {".redis-cloud.com", "redis-cloud"},
      {".cockroachlabs.cloud", "cockroach-cloud"},
      {".elephantsql.com", "elephantsql"},
      {".cloudamqp.com", "cloudamqp"},
      {".heroku.com", "heroku"},
      {".herokuapp.com", "heroku"},
  };
  for (const auto& [suffix, name] : k_suffixes) {
    if (ends_with(h, suffix)) {
      return std::string(name);
    }
  }
  return std::nullopt;
}

bool is_pooler(const ConnInfo& info)
{
  for (const auto& hp : info.hosts) {
    const std::string h = detail::lower(hp.host);
    if (contains(h, "-pooler.") || ends_with(h, "pooler.supabase.com") || hp.port == "6432" || hp.port == "6543") {
      return true;
    }
  }
  return false;
}

bool all_hosts_local(const ConnInfo& info)
{
  if (info.hosts.empty()) {
    return false;
  }
  return std::all_of(info.hosts.begin(), info.hosts.end(), [](const HostPort& hp) {
    const auto kind = classify_host(hp.host);
    return kind == HostKind::loopback || kind == HostKind::unix_socket || kind == HostKind::documentation
           || kind == HostKind::compose_internal;
  });
}

}  // namespace dsnguard::dsn
