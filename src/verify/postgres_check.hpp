#pragma once
// verify/: the live PostgreSQL check (connect + SELECT 1) and everything it needs; the only user of libpq.
// Every network step is bounded by one deadline: our own DNS resolution in a worker thread, then libpq's
// non-blocking connect (PQconnectStartParams + PQconnectPoll + poll() on PQsocket) and the query
// (PQsendQuery + PQconsumeInput/PQisBusy/PQgetResult). TLS is used exactly as the target's sslmode says; the
// check never retries without TLS. Depends on core/ and util/; nothing here prints.

#include <chrono>
#include <string>
#include <vector>

#include "core/verify_report.hpp"
#include "verify/target.hpp"

namespace dsnguard::verify {

using Deadline = std::chrono::steady_clock::time_point;

struct CheckOptions {
  Deadline deadline;         // covers DNS, TCP, TLS, authentication and the query
  bool isolated = false;     // no password file (passfile points nowhere); the caller also clears PG* variables (isolate_environment)
  bool public_only = false;  // refuse targets whose resolved addresses are not public (or are Unix sockets)
};

struct CheckResult {
  bool ok = false;       // connected and SELECT 1 returned 1
  bool refused = false;  // public_only refused the target: nothing was sent anywhere
  std::string refused_reason;  // e.g. "localhost resolves to 127.0.0.1 (loopback)"

  // Failure triage (ok == false and refused == false)
  core::TriageClass triage = core::TriageClass::ok;
  std::string stage;     // "url", "dns", "connect", "query"
  std::string sqlstate;
  std::string message;   // libpq/server message, LOCATION lines removed, secrets scrubbed
  std::string check;

  core::VerifyRound round;
  // Facts (success; host/user/database also on failure when known)
  std::string host;
  std::string hostaddr;
  std::string port;
  std::string user;
  std::string database;
  std::string server_version;
  bool tls_in_use = false;
  std::string tls_protocol;
  std::string tls_cipher;
  bool used_password = false;  // PQconnectionUsedPassword: the server asked for the password and got it
};

// Connects to `target` and runs SELECT 1 under options.deadline, then closes the connection.
CheckResult check_postgres(const Target& target, const CheckOptions& options);

// Removes every PG* variable (PGHOST, PGPASSWORD, PGSSLMODE, PGSERVICE, ...) from the environment so that only
// the URL decides. Call before any thread is started.
void isolate_environment();

}  // namespace dsnguard::verify
