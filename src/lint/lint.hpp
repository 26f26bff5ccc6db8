#pragma once
// lint/: pure checks over a repository seen through core::RepoView: .gitignore protection of .env files,
// connection-URL structure and safety, and project checks (SQLAlchemy, drivers). Emits Findings of kind lint
// with stable ids (lint/checks.hpp, docs/lint-checks.md). Uses core/, dsn/ and util/ only: no libgit2, no RE2,
// no JSON library. Never puts a secret in a finding: matches and fixes show the password as "****".

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/repo_view.hpp"
#include "core/types.hpp"

namespace dsnguard::lint {

struct LintOptions {
  // Value of the DATABASE_URL environment variable (checked as path "$DATABASE_URL", line 0); nullopt = unset.
  std::optional<std::string> database_url_env;
  std::uint64_t max_file_size = 10ull * 1024 * 1024;
};

struct LintResult {
  std::vector<core::Finding> findings;
  std::vector<core::Skipped> skipped;  // unreadable, binary, oversized files
  std::uint64_t files_scanned = 0;
  std::uint64_t bytes_scanned = 0;
  bool incomplete = false;  // some file could not be read
  // Lines the root .gitignore needs (what --fix appends), in order, without duplicates.
  std::vector<std::string> ignore_lines;
  // Commands lint must not run itself (untracking, history notes, rotation), one per entry, for --fix to print.
  std::vector<std::string> manual_steps;
  std::vector<std::string> notes;
};

// Runs every check on the repository behind `repo`. Per-file read failures go to `skipped` (and `incomplete`);
// the error return is for failures that stop the whole run (the file list cannot be produced).
core::Expected<LintResult> run_lint(const core::RepoView& repo, const LintOptions& options);

}  // namespace dsnguard::lint
