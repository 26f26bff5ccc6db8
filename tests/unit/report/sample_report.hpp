#pragma once
// A hand-made report covering every shape reporters must handle: worktree secret, tracked .env file (no
// line), a history finding whose file is gone from HEAD, an inline-suppressed finding, a lint finding with
// an awkward path, notes and an unreadable file. Used by the reporter golden tests.

#include "core/fingerprint.hpp"
#include "core/types.hpp"

namespace dsnguard::test {

inline core::Rule sample_rule(std::string id, core::FindingKind kind, core::Severity severity, std::string description,
                              std::string fix)
{
  core::Rule r;
  r.id = std::move(id);
  r.kind = kind;
  r.severity = severity;
  r.description = std::move(description);
  r.fix = std::move(fix);
  r.tags = {"database", "credential"};
  return r;
}

// `raw` = true keeps the unredacted match and secret (as app/ passes them with --no-redact).
inline core::Report sample_report(bool raw = false)
{
  core::Report r;
  r.command = "scan";
  r.mode = "history";
  r.root = "/work/repo";
  r.rules.push_back(sample_rule("postgres-uri", core::FindingKind::secret, core::Severity::error,
                                "PostgreSQL connection URL with an embedded password.",
                                "Read the URL from the environment (DATABASE_URL) and rotate the password."));
  r.rules.push_back(sample_rule("env-file", core::FindingKind::env_file, core::Severity::error,
                                "A .env file is tracked by git.", "git rm --cached the file and add it to .gitignore."));
  r.rules.push_back(sample_rule("gitignore-env", core::FindingKind::lint, core::Severity::warning,
                                ".gitignore does not ignore .env files.", "Add '.env' to .gitignore."));

  const std::string password = "hunter2-Prod-9x";
  core::Finding a;
  a.rule_id = "postgres-uri";
  a.location = {"config/settings.py", "", 12, 15, 12, 78, 311, 64};
  a.match = raw ? "postgres://app:" + password + "@db.internal:5432/app" : "postgres://app:****@db.internal:5432/app";
  a.secret_offset = 15;
  a.secret_length = raw ? password.size() : 4;
  a.secret = raw ? password : "";
  a.fingerprint = core::fingerprint("postgres-uri", "config/settings.py", password + "\napp\ndb.internal");
  a.message = "PostgreSQL URL with password for host db.internal (password redacted).";
  a.fix = "Read the URL from the environment (DATABASE_URL) and rotate the password.";
  a.attributes = {{"scheme", "postgres"}, {"host", "db.internal"}, {"port", "5432"}, {"user", "app"}};
  r.findings.push_back(a);

  core::Finding env;
  env.rule_id = "env-file";
  env.kind = core::FindingKind::env_file;
  env.location.path = ".env";
  env.fingerprint = core::fingerprint("env-file", ".env", "");
  env.message = "The .env file is tracked by git.";
  env.fix = "git rm --cached .env && echo .env >> .gitignore";
  r.findings.push_back(env);

  core::Finding h = a;
  h.location = {"deploy/old.env", "0123456789abcdef0123456789abcdef01234567", 3, 14, 3, 70, 40, 57};
  h.fingerprint = core::fingerprint("postgres-uri", "deploy/old.env", password + "\napp\ndb.internal");
  core::Occurrence o1{"deploy/old.env", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "0123456789abcdef0123456789abcdef01234567",
                      "Dev One <dev1@example.com>", 1700000000, 3, {"refs/heads/main", "refs/tags/v1.0"}, false};
  core::Occurrence o2{"deploy/old.env", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "fedcba9876543210fedcba9876543210fedcba98",
                      "Dev Two <dev2@example.com>", 1700086400, 4, {"refs/heads/main"}, false};
  h.occurrences = {o1, o2};
  r.findings.push_back(h);

  core::Finding s = a;
  s.location = {"tests/fixtures/db.py", "", 2, 5, 2, 60, 20, 55};
  s.fingerprint = core::fingerprint("postgres-uri", "tests/fixtures/db.py", "test\napp\nlocalhost");
  s.match = "postgres://app:****@localhost/test";
  s.secret = raw ? "test" : "";
  s.suppressed = true;
  s.suppressed_by = "inline";
  r.findings.push_back(s);

  core::Finding l;
  l.rule_id = "gitignore-env";
  l.kind = core::FindingKind::lint;
  l.severity = core::Severity::warning;
  l.location = {"sub dir/caf\xc3\xa9 #1/.gitignore", "", 1, 1, 1, 1, 0, 0};
  l.fingerprint = core::fingerprint("gitignore-env", "sub dir/caf\xc3\xa9 #1/.gitignore", "");
  l.message = ".gitignore does not ignore .env files.";
  l.fix = "Add '.env' to .gitignore.";
  r.findings.push_back(l);

  r.skipped.push_back({"secrets/locked.txt", core::Skipped::Reason::unreadable, "Permission denied"});
  r.summary.files_scanned = 42;
  r.summary.bytes_scanned = 123456;
  r.summary.files_skipped = 1;
  r.summary.findings = 4;
  r.summary.suppressed = 1;
  r.summary.commits = 7;
  r.summary.blobs = 40;
  r.summary.incomplete = true;
  r.summary.notes = {"history is partial: shallow clone (run git fetch --unshallow)"};
  r.stale_baseline = {"v1:00000000000000000000000000000000"};
  r.redacted = !raw;
  return r;
}

}  // namespace dsnguard::test
