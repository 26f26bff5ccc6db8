// TEMPORARY: placeholder definitions so the tree links before the dsn module lands. Delete when implemented.
#include "dsn/conninfo.hpp"
#include "dsn/judge.hpp"

namespace dsnguard::dsn {
using core::ErrorCode;
using core::fail;
std::optional<std::string> ConnInfo::param(std::string_view key) const
{
  for (const auto& [k, v] : params) {
    if (k == key) return v;
  }
  return std::nullopt;
}
core::Expected<ConnInfo> parse_uri(std::string_view) { return fail(ErrorCode::internal, "dsn: not implemented"); }
core::Expected<ConnInfo> parse_keyvalue(std::string_view) { return fail(ErrorCode::internal, "dsn: not implemented"); }
core::Expected<ConnInfo> parse_jdbc(std::string_view) { return fail(ErrorCode::internal, "dsn: not implemented"); }
core::Expected<ConnInfo> parse_ado(std::string_view) { return fail(ErrorCode::internal, "dsn: not implemented"); }
core::Expected<ConnInfo> parse_pgpass(std::string_view) { return fail(ErrorCode::internal, "dsn: not implemented"); }
core::Expected<ConnInfo> parse_any(std::string_view) { return fail(ErrorCode::internal, "dsn: not implemented"); }
std::string family_of_scheme(std::string_view) { return {}; }
std::string percent_decode(std::string_view s, bool* ok) { if (ok) *ok = true; return std::string(s); }
std::string percent_encode_userinfo(std::string_view s) { return std::string(s); }
PasswordKind classify_password(std::string_view, std::string_view) { return PasswordKind::literal; }
bool is_weak_password(std::string_view, std::string_view) { return false; }
HostKind classify_host(std::string_view) { return HostKind::public_host; }
std::optional<std::string> provider_of(std::string_view) { return std::nullopt; }
bool is_pooler(const ConnInfo&) { return false; }
bool all_hosts_local(const ConnInfo&) { return false; }
bool is_known_sample(const ConnInfo&) { return false; }
Verdict judge(const ConnInfo&, std::string_view) { return {}; }
std::string secret_key(const ConnInfo& info) { return info.password.value_or(""); }
std::string redact(std::string_view text, Span) { return std::string(text); }
std::string to_redacted_uri(const ConnInfo&) { return {}; }
}  // namespace dsnguard::dsn
