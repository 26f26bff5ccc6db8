// `dsnguard lint [PATH]`: runs every lint check (lint/), applies --fix to the root .gitignore, and reports
// through the shared pipeline (gate, redaction, sorting, reporters, exit codes).
#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "app/commands.hpp"
#include "app/pipeline.hpp"
#include "lint/checks.hpp"
#include "lint/ignore_fix.hpp"
#include "lint/lint.hpp"
#include "sources/sources.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

namespace dsnguard::app {

namespace {

// Appends the missing ignore lines to <root>/.gitignore. Returns the lines added (empty when none were missing).
core::Expected<std::vector<std::string>> apply_fix(const std::string& root, const std::vector<std::string>& lines)
{
  const std::string path = root + "/.gitignore";
  std::string content;
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    auto read = util::read_file(path);
    if (!read.ok) {
      return core::fail(core::ErrorCode::io, "cannot read " + path + ": " + read.error);
    }
    content = std::move(read.data);
  }
  const auto missing = lint::missing_ignore_lines(content, lines);
  if (missing.empty()) {
    return missing;
  }
  const std::string error = util::write_file_atomic(path, lint::append_ignore_lines(content, lines));
  if (!error.empty()) {
    return core::fail(core::ErrorCode::io, "cannot write " + path + ": " + error);
  }
  return missing;
}

}  // namespace

std::vector<core::Rule> lint_rules()
{
  std::vector<core::Rule> rules;
  for (const auto& c : lint::checks()) {
    core::Rule r;
    r.id = std::string(c.id);
    r.description = std::string(c.title);
    r.kind = core::FindingKind::lint;
    r.severity = c.severity;
    r.source_file = "docs/lint-checks.md";
    rules.push_back(std::move(r));
  }
  return rules;
}

int run_lint(const Options& options, std::ostream& out, std::ostream& err)
{
  const auto started = std::chrono::steady_clock::now();
  auto view = sources::open_repo_view(options.path, options.no_git);
  if (!view) {
    return fail_with(err, view.error());
  }
  const core::RepoView& repo = **view;
  lint::LintOptions lo;
  lo.max_file_size = options.max_file_size;
  if (const char* url = std::getenv("DATABASE_URL"); url != nullptr && *url != '\0') {
    lo.database_url_env = url;
  }
  auto result = lint::run_lint(repo, lo);
  if (!result) {
    return fail_with(err, result.error());
  }
  if (options.fix && repo.is_git()) {
    auto added = apply_fix(repo.root(), result->ignore_lines);
    if (!added) {
      return fail_with(err, added.error());
    }
    if (!added->empty()) {
      err << "dsnguard: appended to .gitignore:";
      for (const auto& l : *added) {
        err << " " << util::printable(l);
      }
      err << "\n";
      // Report what is left after the fix.
      result = lint::run_lint(repo, lo);
      if (!result) {
        return fail_with(err, result.error());
      }
    } else {
      err << "dsnguard: .gitignore already has every line lint needs\n";
    }
    if (!result->manual_steps.empty()) {
      err << "dsnguard: not done automatically; run these yourself:\n";
      for (const auto& step : result->manual_steps) {
        err << "    " << util::printable(step) << "\n";
      }
    }
  }

  core::Report report;
  report.command = "lint";
  report.mode = repo.is_git() ? "worktree" : "no-git";
  report.root = repo.root();
  report.rules = lint_rules();
  report.findings = std::move(result->findings);
  report.skipped = std::move(result->skipped);
  report.summary.files_scanned = result->files_scanned;
  report.summary.bytes_scanned = result->bytes_scanned;
  report.summary.files_skipped = report.skipped.size();
  for (const auto& s : report.skipped) {
    if (s.reason == core::Skipped::Reason::binary) {
      ++report.summary.binary_skipped;
    }
  }
  report.summary.incomplete = result->incomplete;
  report.summary.notes = result->notes;

  Options effective = options;
  if (effective.fail_on.empty()) {
    effective.fail_on = "error";  // lint's default threshold
  }
  return finish_report(report, effective, started, out, err);
}

}  // namespace dsnguard::app
