#pragma once
// scan/audit --verify internals (app/verify_findings.cpp), exposed for tests: which findings are checked, how
// attempts are shared, and the lockout guard. Internal to app/.

#include <functional>
#include <ostream>

#include "app/options.hpp"
#include "core/types.hpp"
#include "verify/leak_check.hpp"
#include "verify/target.hpp"

namespace dsnguard::app {

// Checks one credential; the real one is verify::check_leaked_credential with --timeout and --verify-private.
using CredentialChecker = std::function<verify::LeakCheck(const verify::Target&)>;

// At most this many attempts run at once.
inline constexpr unsigned k_verify_parallel = 4;
// At most this many different passwords are tried per host:port:database:user (account lockout guard).
inline constexpr std::size_t k_verify_passwords_per_account = 3;

// Sets Finding::verification and verification_detail of every unsuppressed PostgreSQL secret finding (attribute
// family=postgresql, raw password in Finding::secret) using `checker`. Each distinct credential
// (host, port, database, user, sslmode, password) is tried once and its result shared by all its findings.
// Adds one summary note (counts per state).
void verify_findings_with(core::Report& report, const CredentialChecker& checker);

}  // namespace dsnguard::app
