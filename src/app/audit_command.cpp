// `dsnguard audit [PATH]` (issue 6): one on-demand report of everything: the working tree, the full history
// (when the history source is available), the lint checks and, with --verify, liveness. Markdown by default; --format html|json|sarif|text as well.

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <unordered_set>

#include "app/commands.hpp"
#include "app/history_provenance.hpp"
#include "app/pipeline.hpp"
#include "lint/lint.hpp"
#include "sources/sources.hpp"
#include "util/strings.hpp"

namespace dsnguard::app {

namespace {

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
// (history), at the higher confidence of the two, and drop the duplicate. Keyed by rule and raw secret (still
// present: redaction comes later), so a secret that moved to another file is still one credential to rotate;
// findings without a secret (env files, lint) by fingerprint.
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
      continue;
    }
    // The credential is as certain as its most certain copy: history may hold it only in a test file (one step
    // lower) while the working tree has it in application code. --min-confidence must not drop it for that.
    core::Finding& kept = out[it->second];
    const core::Confidence confidence = std::max(kept.confidence, f.confidence);
    if (kept.occurrences.empty() && !f.occurrences.empty()) {
      kept = std::move(f);
    }
    kept.confidence = confidence;
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

  bool complete = true;
  // 1. Working tree (tracked + untracked, not ignored): what HEAD does not have yet. Scanned first so that history
  //    gives full provenance to every credential the report will show, including one that history holds only
  //    below --min-confidence (a test file) while the working tree has it in application code.
  auto worktree = sources::make_worktree_source(worktree_options(o));
  if (!worktree) {
    return fail_with(err, worktree.error());
  }
  CollectingSink sink(*engine, err);
  complete = collect(**worktree, sink, err);
  sink.take(report);
  std::unordered_set<std::string> reported_in_worktree;
  for (const auto& f : report.findings) {
    if (f.kind != core::FindingKind::lint && f.confidence >= o.min_confidence) {
      reported_in_worktree.insert(provenance_group_key(f));
    }
  }
  // 2. Full history (every ref, stashes included; --since/--range/--all-objects narrow or widen it), the same
  //    source and provenance grouping as `scan --history`.
  core::Report history;
  if (info->is_git) {
    auto source = sources::make_history_source(history_options(o));
    if (!source) {
      return fail_with(err, source.error());
    }
    CollectingSink hsink(*engine, err);
    const bool history_complete = collect(**source, hsink, err);
    complete = history_complete && complete;
    hsink.take(history);
    if (history_complete) {
      attach_provenance(history, **source, o.min_confidence, &reported_in_worktree);
    }
  }
  // History findings first: they carry the provenance and win over their working-tree duplicates.
  report.findings.insert(report.findings.begin(), std::make_move_iterator(history.findings.begin()),
                         std::make_move_iterator(history.findings.end()));
  report.skipped.insert(report.skipped.end(), history.skipped.begin(), history.skipped.end());
  auto& s = report.summary;
  s.commits = history.summary.commits;
  s.blobs = history.summary.blobs;
  s.files_skipped += history.summary.files_skipped;
  s.binary_skipped += history.summary.binary_skipped;
  s.bytes_scanned += history.summary.bytes_scanned;
  s.incomplete = s.incomplete || history.summary.incomplete;
  s.partial_history = history.summary.partial_history;
  s.notes.insert(s.notes.begin(), history.summary.notes.begin(), history.summary.notes.end());
  // 3. Lint.
  complete = add_lint(o, report, err) && complete;
  if (!complete) {
    s.incomplete = true;
  }
  merge_duplicates(report.findings);

  return finish_report(report, o, started, out, err);
}

}  // namespace dsnguard::app
