#pragma once
// Helpers shared by the dsn/ parsers. Internal to dsn/ (not included by other modules).

#include <string>
#include <string_view>
#include <vector>

#include "dsn/conninfo.hpp"

namespace dsnguard::dsn::detail {

// ASCII lower-case copy.
std::string lower(std::string_view s);
// Parses one `host[:port]` or `[v6]:port` item (raw, may be percent-encoded) into a HostPort.
HostPort parse_host_port(std::string_view item);
// Splits a host list `h1:p1,[v6]:p2` at commas outside brackets and parses each item.
std::vector<HostPort> parse_host_list(std::string_view spec);
// Parses `k=v&k2=v2` (separator `sep`) into decoded pairs; `base` is the offset of `query` in the parsed text,
// used to set `info.password_span`/`user_span` when the keys `password`/`user` appear.
void parse_query(std::string_view query, std::size_t base, char sep, ConnInfo& info);

}  // namespace dsnguard::dsn::detail
