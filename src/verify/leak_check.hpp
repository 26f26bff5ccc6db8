#pragma once
// Liveness of a leaked credential (scan/audit --verify): one read-only SELECT 1 attempt under its own deadline,
// only to public addresses unless private targets are allowed, with the result reduced to a core::VerifyState.

#include <functional>
#include <string>

#include "core/types.hpp"
#include "verify/postgres_check.hpp"
#include "verify/target.hpp"

namespace dsnguard::verify {

struct LeakCheck {
  core::VerifyState state = core::VerifyState::unknown;
  std::string detail;  // one line, password scrubbed
};

// Reduces a check to a state: ok -> live; 28P01 -> rejected; 3D000 -> live only when the server asked for and
// accepted the password (PQconnectionUsedPassword; authentication precedes the database lookup), else error;
// DNS/refused/timeout -> unreachable; address policy -> refused; anything else -> error.
LeakCheck leak_state_of(const CheckResult& result);

// Connects to `target` (isolated: no password file, no client certificate, no GSSAPI) with a deadline of
// `timeout_seconds`. Without
// `allow_private`, targets whose resolved addresses are not public (loopback, RFC 1918, link-local, CGNAT,
// unique-local, Unix sockets, ...) are refused before anything is sent.
LeakCheck check_leaked_credential(const Target& target, double timeout_seconds, bool allow_private);

// Runs job(0) ... job(count - 1) on at most `parallel` threads at once; returns when all are done.
void run_parallel(std::size_t count, unsigned parallel, const std::function<void(std::size_t)>& job);

}  // namespace dsnguard::verify
