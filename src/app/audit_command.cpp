// `dsnguard audit [PATH]` (issue 6): one on-demand report of everything: the working tree, the full history
// (when the history source is available), the lint checks and, with --verify, liveness. Markdown by default; --format html|json|sarif|text as well.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>

#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "app/pipeline.hpp"
#include "lint/lint.hpp"
#include "sources/sources.hpp"
#include "util/strings.hpp"

namespace dsnguard::app {

namespace {

int fail_with(std::ostream& err, const core::Error& e)
{
  err << "dsnguard: " << e.message << "\n";
  switch (e.code) {
  case core::ErrorCode::usage:
  case core::ErrorCode::config:
  case core::ErrorCode::parse:
  case core::ErrorCode::not_found: return k_exit_usage;
  default: return k_exit_incomplete;
  }
}

// Runs one source into the shared sink; a source that stops early makes the audit incomplete (reported, not
// fatal: the other parts still run).
// Returns false when the walk stopped early.
bool collect(core::Source& source, CollectingSink& sink, std::ostream& err)
{
  auto walked = source.for_each(sink);
  if (!walked) {
    err << "dsnguard: " << walked.error().message << "\n";
    return false;
  }
  return true;
}

// The same secret found in the working tree and in history is one finding: keep the one with provenance
// (history) and drop the duplicate. Keyed by rule and raw secret (still present: redaction comes later), so a
// secret that moved to another file is still one credential to rotate; findings without a secret (env files,
// lint) by fingerprint.
void merge_duplicates(std::vector<core::Finding>& findings)
{
  std::map<std::string, std::size_t> first;
  std::vector<core::Finding> out;
  for (auto& f : findings) {
    std::string key;
    if (f.kind == core::FindingKind::secret && !f.secret.empty()) {
      key = f.rule_id + '\n' + f.attribute("user") + '\n' + f.attribute("host") + '\n' + f.secret;
    } else if (!f.fingerprint.empty()) {
      key = f.fingerprint;
    } else {
      out.push_back(std::move(f));
      continue;
    }
    const auto it = first.find(key);
    if (it == first.end()) {
      first[key] = out.size();
      out.push_back(std::move(f));
    } else if (out[it->second].occurrences.empty() && !f.occurrences.empty()) {
      out[it->second] = std::move(f);
    }
  }
  findings = std::move(out);
}

// The lint checks (the same run_lint as `dsnguard lint`), appended to the report. Returns false when lint
// could not run at all or some file could not be read.
bool add_lint(const Options& o, core::Report& report, std::ostream& err)
{
  auto view = sources::open_repo_view(o.path, o.no_git);
  if (!view) {
    err << "dsnguard: lint: " << view.error().message << "\n";
    return false;
  }
  lint::LintOptions lo;
  lo.max_file_size = o.max_file_size;
  if (const char* url = std::getenv("DATABASE_URL"); url != nullptr && *url != '\0') {
    lo.database_url_env = url;
  }
  auto result = lint::run_lint(**view, lo);
  if (!result) {
    err << "dsnguard: lint: " << result.error().message << "\n";
    return false;
  }
  for (auto& f : result->findings) {
    report.findings.push_back(std::move(f));
  }
  for (auto& n : result->notes) {
    report.summary.notes.push_back(std::move(n));
  }
  auto rules = lint_rules();
  report.rules.insert(report.rules.end(), rules.begin(), rules.end());
  // Files lint could not read are already counted by the scan of the same tree; only the verdict matters.
  return !result->incomplete;
}

}  // namespace

int run_audit(const Options& options, std::ostream& out, std::ostream& err)
{
  const auto started = std::chrono::steady_clock::now();
  Options o = options;
  if (!o.format_given) {
    o.format = core::Format::markdown;
  }
  // Default threshold: errors (every credential finding; lint warnings are advice). A config "fail-on" wins.
  if (o.fail_on.empty()) {
    const auto configured = effective_fail_on(o);
    o.fail_on = configured.empty() ? "error" : configured;
  }
  auto engine = load_engine(o);
  if (!engine) {
    return fail_with(err, engine.error());
  }
  auto info = sources::discover(o.path, o.no_git);
  if (!info) {
    return fail_with(err, info.error());
  }

  core::Report report;
  report.command = "audit";
  report.mode = "audit";
  report.root = info->root;
  report.rules = engine->rules();

  CollectingSink sink(*engine, err);
  // Working tree (tracked + untracked, not ignored).
  sources::WorktreeOptions wo;
  wo.path = o.path;
  wo.no_git = o.no_git;
  wo.max_file_size = o.max_file_size;
  wo.threads = o.threads;
  auto worktree = sources::make_worktree_source(wo);
  if (!worktree) {
    return fail_with(err, worktree.error());
  }
  bool complete = collect(**worktree, sink, err);
  // Full history: wired once the history source lands in sources/ (issue 3).
  if (info->is_git) {
    report.summary.notes.push_back("history was not scanned: this build has no history source yet");
  }
  sink.take(report);
  complete = add_lint(o, report, err) && complete;
  if (!complete) {
    report.summary.incomplete = true;
  }
  merge_duplicates(report.findings);

  if (auto finalized = finalize_findings(report, o, err); !finalized) {
    return fail_with(err, finalized.error());
  }
  report.summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (auto written = write_report(report, o, out); !written) {
    return fail_with(err, written.error());
  }
  return exit_code_for(report, o);
}

}  // namespace dsnguard::app
