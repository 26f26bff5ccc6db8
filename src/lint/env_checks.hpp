#pragma once
// .gitignore checks for the .env family (G001-G005): classifies every environment file of the work tree as
// tracked / untracked / ignored, and checks that the repository's own ignore rules protect the usual names.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/repo_view.hpp"
#include "lint/lint.hpp"

namespace dsnguard::lint {

// ".env", ".env.local", ".env.production", "prod.env", "config/.env.test" (the basename decides).
bool is_env_file_name(std::string_view path);
// An env file meant to be committed: a dot-separated part is example, sample, template, dist, tmpl, tpl or
// defaults (".env.example", "example.env", ".env.local.sample").
bool is_env_template_name(std::string_view path);

struct EnvCheckInput {
  const std::vector<std::string>* files = nullptr;  // work tree files (repo-relative)
  bool project_reads_env = false;                   // the project reads DATABASE_URL / loads a .env
  // Variable names holding non-empty, non-placeholder values, per env file (for the rotation advice).
  const std::map<std::string, std::vector<std::string>>* secret_names = nullptr;
};

// Appends G001-G005 findings, the ignore lines --fix should add and the manual steps to `out`.
// Does nothing for a view that is not a git repository. Errors come from the RepoView (libgit2 failures).
core::Expected<void> check_env_files(const core::RepoView& repo, const EnvCheckInput& input, LintResult& out);

}  // namespace dsnguard::lint
