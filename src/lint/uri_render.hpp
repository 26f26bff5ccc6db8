#pragma once
// Rebuilding a connection string from a ConnInfo for the "fix" of a finding: the corrected URL with the
// password shown as "****" (never the real one), and the small text helpers the URL checks share.

#include <cstddef>
#include <string>
#include <string_view>

#include "dsn/conninfo.hpp"

namespace dsnguard::lint {

// Percent-encodes every byte outside RFC 3986 "unreserved" (A-Z a-z 0-9 - . _ ~).
std::string encode_component(std::string_view s);
// Like encode_component but keeps ',' '/' ':' (harmless inside query values such as host lists and paths).
std::string encode_query_value(std::string_view s);

// `info` as text in its own form (URI, JDBC or key=value), password (userinfo, password= parameter) as "****".
std::string render_redacted(const dsn::ConnInfo& info);

// Sets parameter `key` to `value` (replacing the first occurrence, appending when absent).
void set_param(dsn::ConnInfo& info, std::string_view key, std::string value);
// Removes every occurrence of parameter `key`.
void remove_param(dsn::ConnInfo& info, std::string_view key);

// Levenshtein distance (bytes), for "did you mean" suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace dsnguard::lint
