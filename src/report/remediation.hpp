#pragma once
// Internal to report/: remediation advice for one finding, from redacted facts only (host, user, scheme,
// path). Never needs or prints the secret.

#include <string>
#include <vector>

#include "core/types.hpp"

namespace dsnguard::report {

// Hosting provider recognised from the `provider` attribute or the host name: "neon", "supabase", "rds",
// "heroku" or "" (generic PostgreSQL/MySQL).
std::string detect_provider(const core::Finding& finding);

// Steps to rotate the credential (Markdown inline markup, one item per step), provider-specific first, then
// the generic SQL. For env-file findings: rotate every credential the file held.
std::vector<std::string> rotation_steps(const core::Finding& finding);

// Shell commands (one block) that purge the credential from history with git filter-repo: --replace-text with
// an expressions file built from the redacted URL shape (user and host, never the password), or
// --invert-paths --path for files that should not exist at all (.env files, files already deleted).
std::string purge_commands(const core::Finding& finding);

// Quotes `s` for POSIX sh in single quotes.
std::string shell_quote(const std::string& s);

}  // namespace dsnguard::report
