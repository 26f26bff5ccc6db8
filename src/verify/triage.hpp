#pragma once
// Triage of a failed live check: exactly one class, the SQLSTATE when there is one, and the first thing to
// check. Pure functions over libpq's message text (no libpq here), so they are unit-tested on recorded texts.
//
// Server errors are classified by SQLSTATE, never by their text: server messages follow the server's
// lc_messages and their wording changes between versions (53300 differs in PostgreSQL 15 and 16). libpq's own
// client-side messages carry no SQLSTATE and stay English because dsnguard never calls
// setlocale(LC_MESSAGES); those are matched by text.

#include <string>
#include <string_view>
#include <vector>

#include "core/verify_report.hpp"

namespace dsnguard::verify {

// What went wrong, as observed by the connection code.
struct FailureInfo {
  std::string message;     // PQerrorMessage text (PQERRORS_VERBOSE), possibly several attempts long
  bool timed_out = false;  // our deadline fired (DNS, connect or query)
  bool dns_failed = false; // our own resolver reported that the name does not resolve
  std::string stage;       // "dns", "connect" or "query" (used in the advice)
};

struct Triage {
  core::TriageClass triage = core::TriageClass::server_error;
  std::string sqlstate;  // the SQLSTATE the class was chosen by, "" for client-side errors
  std::string check;     // one sentence: the first thing to check
};

// One server error found in a verbose libpq message: `FATAL:  28P01: password authentication failed ...`.
struct ServerError {
  std::string severity;  // FATAL, ERROR, PANIC
  std::string sqlstate;  // five characters
  std::string text;      // the rest of that line
};

// Every server error in `message`, in order (a message can hold one per host/TLS attempt).
std::vector<ServerError> server_errors_in(std::string_view message);

// Classifies a failure. Never returns TriageClass::ok.
Triage classify_failure(const FailureInfo& failure);

// The exit code of each class: ok 0, bad_url 2, internal 3, auth_failed 4, unreachable 5, tls_required 6,
// certificate 7, database_missing 8, too_many_connections 9, connection_closed 10, not_ready 11,
// server_error 12. Documented in docs/verify.md and `dsnguard verify --help`.
int exit_code_for(core::TriageClass triage);

}  // namespace dsnguard::verify
