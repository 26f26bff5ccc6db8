#pragma once
// The result of `dsnguard verify`: plain data filled by verify/ and app/, formatted by report/ (text, JSON).
// Lives in core/ because verify/ and report/ must not include one another. Never holds the password.

#include <string>
#include <string_view>
#include <vector>

namespace dsnguard::core {

// One triage class per outcome of a live check; each has its own exit code (verify/triage.hpp, docs/verify.md).
enum class TriageClass {
  ok,                    // connected and SELECT 1 returned 1
  bad_url,               // the URL does not parse or has an invalid value
  internal,              // a bug or resource failure inside dsnguard/libpq
  auth_failed,           // 28P01, 28000 (role/pg_hba without TLS hint), no password supplied
  unreachable,           // DNS failure, connection refused, timeout
  tls_required,          // TLS (or channel binding) requirement of one side not met by the other
  certificate,           // server certificate could not be verified (verify-ca/verify-full)
  database_missing,      // 3D000
  too_many_connections,  // 53300
  connection_closed,     // server closed the connection unexpectedly / 57P01 / 57P02
  not_ready,             // 57P03: starting up, shutting down, in recovery
  server_error,          // any other server-reported error
};

// Stable lower-case names ("ok", "bad-url", "auth-failed", ...) used in text and JSON output.
std::string_view to_string(TriageClass);

// Latencies of one connect + SELECT 1 round, in milliseconds.
struct VerifyRound {
  bool ok = false;
  double dns_ms = 0.0;      // name resolution (0 for numeric hosts and sockets)
  double connect_ms = 0.0;  // TCP + TLS + authentication (after DNS)
  double query_ms = 0.0;    // SELECT 1 round trip
};

// Everything `dsnguard verify` reports. Strings are already scrubbed of the password.
struct VerifyReport {
  std::string url;         // the URL with the password masked
  std::string url_source;  // "--url", "$DATABASE_URL", "/repo/.env:3", ...
  std::vector<std::string> notes;  // dropped ORM parameters, mapped ssl=..., isolation, ...

  // Target (as configured, then as connected)
  std::string host;      // host(s) as written ("" = default Unix socket)
  std::string port;
  std::string hostaddr;  // the address actually used (after our own DNS resolution)
  std::string user;
  std::string database;
  std::string sslmode;   // as configured ("" = libpq default, prefer)
  bool pooler = false;
  std::string provider;  // "neon", "supabase", ... or ""

  // Outcome
  TriageClass triage = TriageClass::ok;
  int exit_code = 0;
  std::string stage;     // "url", "dns", "connect", "query" (failures only)
  std::string sqlstate;  // "" when the failure carries none (client-side errors)
  std::string message;   // server/client message, password scrubbed
  std::string check;     // the first thing to check (failures only)

  // Facts of a successful connection (of the last round)
  std::string server_version;
  bool tls_in_use = false;
  std::string tls_protocol;
  std::string tls_cipher;
  bool used_password = false;
  std::vector<VerifyRound> rounds;
};

}  // namespace dsnguard::core
