#include "verify/triage.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace dsnguard::verify {

using core::TriageClass;

namespace {

bool contains(std::string_view haystack, std::string_view needle)
{
  return haystack.find(needle) != std::string_view::npos;
}

bool is_sqlstate(std::string_view s)
{
  if (s.size() != 5) {
    return false;
  }
  for (const char c : s) {
    if (!(std::isdigit(static_cast<unsigned char>(c)) || (c >= 'A' && c <= 'Z'))) {
      return false;
    }
  }
  return true;
}

// A `no pg_hba.conf entry ...` rejection of a connection without TLS: PostgreSQL <= 13 says "SSL off",
// 14+ says "no encryption".
bool is_hba_without_tls(const ServerError& e)
{
  return e.sqlstate == "28000" && contains(e.text, "no pg_hba.conf entry")
         && (contains(e.text, "SSL off") || contains(e.text, "no encryption"));
}

constexpr std::string_view k_check_auth =
  "rotate/reset the password (and check the user name), then update DATABASE_URL";
constexpr std::string_view k_check_unreachable =
  "verify the host and port, confirm sslmode=require, and check the firewall / IP allow-list";
constexpr std::string_view k_check_tls_required =
  "the server only accepts TLS: set sslmode=require (better verify-full) in the URL";
constexpr std::string_view k_check_no_tls_on_server =
  "the server does not offer TLS but the URL requires it: enable ssl on the server (never lower sslmode)";
constexpr std::string_view k_check_channel_binding =
  "channel_binding=require needs TLS and SCRAM authentication on the server: use sslmode=require and a "
  "scram-sha-256 password (or a pooler that supports it)";
constexpr std::string_view k_check_certificate =
  "provide the provider's CA certificate with sslrootcert=... and connect by the name in the certificate "
  "(never lower sslmode to skip verification)";
constexpr std::string_view k_check_database =
  "the database named in the URL does not exist: check the /dbname part of the URL (or create the database)";
constexpr std::string_view k_check_too_many =
  "reduce pool_size / max_overflow, audit session lifecycle (sessions closed?), or use the provider's pooler";
constexpr std::string_view k_check_closed =
  "the server or a proxy dropped the connection: enable pool_pre_ping=True (or reconnect on error), and check "
  "idle timeouts, restarts and pooler limits";
constexpr std::string_view k_check_not_ready =
  "the server is starting up, shutting down or in recovery: wait and retry, and check maintenance/failover";
constexpr std::string_view k_check_server = "read the server message above";
constexpr std::string_view k_check_bad_url = "fix the URL parameter named in the message";

Triage by_sqlstate(const ServerError& e)
{
  const std::string& code = e.sqlstate;
  if (code == "28P01") {
    return {TriageClass::auth_failed, code, std::string(k_check_auth)};
  }
  if (code == "28000") {
    if (is_hba_without_tls(e)) {
      return {TriageClass::tls_required, code, std::string(k_check_tls_required)};
    }
    if (contains(e.text, "no pg_hba.conf entry")) {
      return {TriageClass::auth_failed, code,
              "no pg_hba.conf rule admits this host, user and database: check the user and database names, or "
              "ask the database owner to allow this client"};
    }
    return {TriageClass::auth_failed, code, "check the user name in the URL (the role may not exist), then the password"};
  }
  if (code == "3D000") {
    return {TriageClass::database_missing, code, std::string(k_check_database)};
  }
  if (code == "53300") {
    return {TriageClass::too_many_connections, code, std::string(k_check_too_many)};
  }
  if (code == "57P03") {
    return {TriageClass::not_ready, code, std::string(k_check_not_ready)};
  }
  if (code == "57P01" || code == "57P02" || code == "57P05") {
    return {TriageClass::connection_closed, code, std::string(k_check_closed)};
  }
  if (contains(e.text, "connection is insecure")) {  // Neon's proxy
    return {TriageClass::tls_required, code, std::string(k_check_tls_required)};
  }
  if (code.rfind("28", 0) == 0) {
    return {TriageClass::auth_failed, code, std::string(k_check_auth)};
  }
  return {TriageClass::server_error, code, std::string(k_check_server)};
}

// libpq's client-side texts (no SQLSTATE), in the order they should win.
Triage by_text(std::string_view m)
{
  struct Pattern {
    std::string_view needle;
    TriageClass triage;
    std::string_view check;
  };
  static constexpr std::array<Pattern, 33> k_patterns{{
    {"invalid sslmode value", TriageClass::bad_url, k_check_bad_url},
    {"invalid channel_binding value", TriageClass::bad_url, k_check_bad_url},
    {"invalid gssencmode value", TriageClass::bad_url, k_check_bad_url},
    {"invalid target_session_attrs value", TriageClass::bad_url, k_check_bad_url},
    {"invalid integer value", TriageClass::bad_url, k_check_bad_url},
    {"invalid port number", TriageClass::bad_url, k_check_bad_url},
    {"invalid connection option", TriageClass::bad_url, k_check_bad_url},
    {"invalid URI query parameter", TriageClass::bad_url, k_check_bad_url},
    {"could not match", TriageClass::bad_url, k_check_bad_url},
    {"could not parse network address", TriageClass::bad_url, k_check_bad_url},
    {"out of memory", TriageClass::internal, "retry; report a bug if it persists"},
    {"could not translate host name", TriageClass::unreachable,
     "the host name does not resolve: check it for typos (or a deleted instance), then DNS"},
    {"Name or service not known", TriageClass::unreachable,
     "the host name does not resolve: check it for typos (or a deleted instance), then DNS"},
    {"Connection refused", TriageClass::unreachable,
     "nothing accepts connections on that host and port: verify host and port, that the server runs, confirm "
     "sslmode=require, and check the firewall / IP allow-list"},
    {"Is the server running", TriageClass::unreachable,
     "nothing accepts connections there: verify the host/socket and port and that the server runs"},
    {"timeout expired", TriageClass::unreachable, k_check_unreachable},
    {"Connection timed out", TriageClass::unreachable, k_check_unreachable},
    {"No route to host", TriageClass::unreachable, k_check_unreachable},
    {"Network is unreachable", TriageClass::unreachable, k_check_unreachable},
    {"server does not support SSL, but SSL was required", TriageClass::tls_required, k_check_no_tls_on_server},
    {"connection is insecure", TriageClass::tls_required, k_check_tls_required},
    {"channel binding", TriageClass::tls_required, k_check_channel_binding},
    {"root certificate file", TriageClass::certificate, k_check_certificate},
    {"certificate verify failed", TriageClass::certificate, k_check_certificate},
    {"does not match host name", TriageClass::certificate, k_check_certificate},
    {"could not get home directory to locate root certificate", TriageClass::certificate, k_check_certificate},
    {"no password supplied", TriageClass::auth_failed,
     "the URL has no password (and none came from ~/.pgpass): add it to DATABASE_URL"},
    {"password authentication failed", TriageClass::auth_failed, k_check_auth},
    {"server closed the connection unexpectedly", TriageClass::connection_closed, k_check_closed},
    {"EOF detected", TriageClass::connection_closed, k_check_closed},
    {"unexpected eof", TriageClass::connection_closed, k_check_closed},
    {"Connection reset by peer", TriageClass::connection_closed, k_check_closed},
    {"could not receive data from server", TriageClass::connection_closed, k_check_closed},
  }};
  for (const auto& p : k_patterns) {
    if (contains(m, p.needle)) {
      return {p.triage, "", std::string(p.check)};
    }
  }
  return {TriageClass::server_error, "", std::string(k_check_server)};
}

}  // namespace

std::vector<ServerError> server_errors_in(std::string_view message)
{
  // Collect every "<SEVERITY>:  " position first so that errors come out in message order.
  std::vector<std::pair<std::size_t, std::string_view>> marks;
  for (const std::string_view severity : {"FATAL:  ", "ERROR:  ", "PANIC:  "}) {
    for (std::size_t pos = message.find(severity); pos != std::string_view::npos;
         pos = message.find(severity, pos + 1)) {
      marks.emplace_back(pos, severity);
    }
  }
  std::sort(marks.begin(), marks.end());
  std::vector<ServerError> errors;
  for (const auto& [pos, severity] : marks) {
    const std::size_t code_at = pos + severity.size();
    const std::string_view code = message.substr(code_at, 5);
    if (!is_sqlstate(code) || message.substr(code_at + 5, 2) != ": ") {
      continue;
    }
    const std::size_t text_at = code_at + 7;
    const std::size_t eol = message.find('\n', text_at);
    ServerError e;
    e.severity = std::string(severity.substr(0, severity.size() - 3));
    e.sqlstate = std::string(code);
    e.text = std::string(message.substr(text_at, eol == std::string_view::npos ? eol : eol - text_at));
    errors.push_back(std::move(e));
  }
  return errors;
}

Triage classify_failure(const FailureInfo& failure)
{
  if (failure.timed_out) {
    if (failure.stage == "query") {
      return {TriageClass::unreachable, "",
              "the server accepted the connection but did not answer SELECT 1 before the deadline: check server "
              "load and locks, then the network path"};
    }
    if (failure.stage == "dns") {
      return {TriageClass::unreachable, "",
              "the host name did not resolve before the deadline: check DNS, then the host in the URL"};
    }
    return {TriageClass::unreachable, "",
            "the host did not complete the connection before the deadline: " + std::string(k_check_unreachable)};
  }
  if (failure.dns_failed) {
    return {TriageClass::unreachable, "",
            "the host name does not resolve: check it for typos (or a deleted instance), then DNS"};
  }
  const auto errors = server_errors_in(failure.message);
  if (!errors.empty()) {
    // With sslmode=prefer/allow libpq tries twice; a "no pg_hba.conf entry ... no encryption" from the
    // cleartext retry must not hide the real answer of the TLS attempt (e.g. a wrong password).
    for (const auto& e : errors) {
      if (!is_hba_without_tls(e)) {
        return by_sqlstate(e);
      }
    }
    return by_sqlstate(errors.front());
  }
  // Verbosity may not have been applied (e.g. errors raised inside PQconnectStartParams): fall back to the
  // non-verbose server wording for the classes that matter, then to libpq's client-side texts.
  const std::string_view m = failure.message;
  if (contains(m, "FATAL:  ") || contains(m, "ERROR:  ")) {
    if (contains(m, "password authentication failed")) {
      return {TriageClass::auth_failed, "", std::string(k_check_auth)};
    }
    if (contains(m, "no pg_hba.conf entry") && (contains(m, "SSL off") || contains(m, "no encryption"))) {
      return {TriageClass::tls_required, "", std::string(k_check_tls_required)};
    }
  }
  return by_text(m);
}

int exit_code_for(TriageClass triage)
{
  switch (triage) {
  case TriageClass::ok: return 0;
  case TriageClass::bad_url: return 2;
  case TriageClass::internal: return 3;
  case TriageClass::auth_failed: return 4;
  case TriageClass::unreachable: return 5;
  case TriageClass::tls_required: return 6;
  case TriageClass::certificate: return 7;
  case TriageClass::database_missing: return 8;
  case TriageClass::too_many_connections: return 9;
  case TriageClass::connection_closed: return 10;
  case TriageClass::not_ready: return 11;
  case TriageClass::server_error: return 12;
  }
  return 3;
}

}  // namespace dsnguard::verify
