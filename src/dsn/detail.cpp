// Shared parsing helpers: host lists and query strings.
#include "dsn/detail.hpp"

namespace dsnguard::dsn::detail {

std::string lower(std::string_view s)
{
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = char(c - 'A' + 'a');
    }
  }
  return out;
}

HostPort parse_host_port(std::string_view item)
{
  HostPort hp;
  if (!item.empty() && item.front() == '[') {
    const auto close = item.find(']');
    hp.bracketed = true;
    if (close == std::string_view::npos) {
      hp.host = std::string(item.substr(1));
      return hp;
    }
    hp.host = percent_decode(item.substr(1, close - 1));  // zone ids are written %25eth0
    if (close + 1 < item.size() && item[close + 1] == ':') {
      hp.port = std::string(item.substr(close + 2));
    }
    return hp;
  }
  const auto colon = item.rfind(':');
  // An unbracketed IPv6 address (several ':') has no port.
  if (colon != std::string_view::npos && item.find(':') == colon) {
    hp.host = percent_decode(item.substr(0, colon));
    hp.port = std::string(item.substr(colon + 1));
  } else {
    hp.host = percent_decode(item);
  }
  return hp;
}

std::vector<HostPort> parse_host_list(std::string_view spec)
{
  std::vector<HostPort> hosts;
  if (spec.empty()) {
    hosts.push_back(HostPort{});
    return hosts;
  }
  std::size_t start = 0;
  bool in_brackets = false;
  for (std::size_t i = 0; i <= spec.size(); ++i) {
    if (i < spec.size()) {
      if (spec[i] == '[') {
        in_brackets = true;
      } else if (spec[i] == ']') {
        in_brackets = false;
      }
    }
    if (i == spec.size() || (spec[i] == ',' && !in_brackets)) {
      hosts.push_back(parse_host_port(spec.substr(start, i - start)));
      start = i + 1;
    }
  }
  return hosts;
}

void parse_query(std::string_view query, std::size_t base, char sep, ConnInfo& info)
{
  std::size_t start = 0;
  while (start <= query.size()) {
    auto stop = query.find(sep, start);
    if (stop == std::string_view::npos) {
      stop = query.size();
    }
    const auto item = query.substr(start, stop - start);
    if (!item.empty()) {
      const auto eq = item.find('=');
      const auto raw_key = item.substr(0, eq);
      const auto raw_value = eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1);
      std::string key = percent_decode(raw_key);
      std::string value = percent_decode(raw_value);
      const std::string lk = lower(key);
      if ((lk == "password" || lk == "pwd" || lk == "passwd") && !info.password) {
        info.password = value;
        info.raw_password = std::string(raw_value);
        info.password_span = {base + start + eq + 1, raw_value.size()};
      } else if ((lk == "user" || lk == "username" || lk == "uid") && !info.user) {
        info.user = value;
        info.user_span = {base + start + eq + 1, raw_value.size()};
      } else if ((lk == "dbname" || lk == "database" || lk == "databasename") && !info.database) {
        info.database = value;
      } else if (lk == "host" && !value.empty() && (info.hosts.empty() || info.hosts[0].host.empty())) {
        const auto ports = info.hosts;
        info.hosts = parse_host_list(raw_value);
        // A port already given in the authority (postgresql://:5433/db?host=h) still applies.
        if (ports.size() == 1 && !ports[0].port.empty()) {
          for (auto& h : info.hosts) {
            if (h.port.empty()) {
              h.port = ports[0].port;
            }
          }
        }
      } else if (lk == "port" && !value.empty()) {
        // ?port=5433 (or p1,p2) fills the ports the authority left empty.
        std::vector<std::string> ports;
        std::size_t from = 0;
        while (from <= value.size()) {
          auto comma = value.find(',', from);
          if (comma == std::string::npos) {
            comma = value.size();
          }
          ports.push_back(value.substr(from, comma - from));
          from = comma + 1;
        }
        if (info.hosts.empty()) {
          info.hosts.push_back(HostPort{});
        }
        for (std::size_t h = 0; h < info.hosts.size(); ++h) {
          if (info.hosts[h].port.empty()) {
            info.hosts[h].port = ports.size() == 1 ? ports[0] : (h < ports.size() ? ports[h] : std::string());
          }
        }
      }
      info.params.emplace_back(std::move(key), std::move(value));
    }
    start = stop + 1;
  }
}

}  // namespace dsnguard::dsn::detail
