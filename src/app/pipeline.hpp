#pragma once
// The steps every reporting command shares: load and compile rules, collect findings from a Source,
// filter, redact, sort, and write the report where Options says. Internal to app/.

#include <atomic>
#include <chrono>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

#include "app/options.hpp"
#include "config/repo_config.hpp"
#include "core/error.hpp"
#include "core/source.hpp"
#include "core/types.hpp"
#include "scan/engine.hpp"
#include "sources/sources.hpp"

namespace dsnguard::app {

// sources::discover(options.path, options.no_git), remembered for the process once it succeeds: a scan asks
// several times (rules, gate, the scan itself) and each call opens the repository (config files, ownership).
core::Expected<sources::RepoInfo> discover_once(const Options& options);

// Built-in rules plus every --rules file, compiled. Errors are config errors naming file, rule and RE2 error.
core::Expected<scan::Engine> load_engine(const Options& options);

// The source options a command's flags select (path, size limit, threads; --since/--range/--all-objects and a
// progress line on a terminal for history), shared by `scan` and `audit`.
sources::HistoryOptions history_options(const Options& options);
sources::WorktreeOptions worktree_options(const Options& options);

class PendingEngine;

// A FragmentSink that scans each fragment with the engine and collects findings, skips and counters.
// Thread-safe.
class CollectingSink : public core::FragmentSink {
public:
  CollectingSink(const scan::Engine& engine, std::ostream& err);
  // The engine still loading: the first call waits for it and stops its regex preparation (from then on the scan
  // threads build the regexes they need). When the load failed, fragment() stops the walk and nothing is
  // collected (the caller reports the load's error).
  CollectingSink(PendingEngine& pending, std::ostream& err);
  core::Visit fragment(const core::Fragment& fragment) override;
  void skipped(const core::Skipped& skipped) override;
  void note(const std::string& text) override;

  // Moves the collected results into `report` (findings, skipped, summary counters).
  void take(core::Report& report);

private:
  // The engine, or nullptr when the pending load failed.
  const scan::Engine* engine();

  const scan::Engine* m_engine = nullptr;
  PendingEngine* m_pending = nullptr;
  std::once_flag m_resolved;
  std::ostream& m_err;
  std::mutex m_mutex;
  // Counted without the lock: readers call fragment() from several threads for every file or blob.
  std::atomic<std::uint64_t> m_files_scanned{0};
  std::atomic<std::uint64_t> m_bytes_scanned{0};
  std::vector<core::Finding> m_findings;
  std::vector<core::Skipped> m_skipped;
  core::Summary m_summary;
};

// The post-scan steps, in order: apply_gate (config allowlists, inline allows, baseline), drop findings below
// --min-confidence, verify_findings (opt-in liveness, needs the raw secret), then mask secrets unless
// --no-redact, sort by path, line, column and rule, and count. Returns an error only for gate failures that
// must stop the command (unreadable baseline, broken config): exit 2.
core::Expected<void> finalize_findings(core::Report& report, const Options& options, std::ostream& err);

// Gate step (app/gate.cpp): repository config, inline `dsnguard:allow` markers, --baseline; marks findings
// suppressed (never deletes them) and writes --write-baseline.
core::Expected<void> apply_gate(core::Report& report, const Options& options, std::ostream& err);

// Baseline file used when neither --baseline nor the config names one (and it exists at the root).
inline constexpr const char* k_default_baseline_name = ".dsnguard-baseline";

// The repository config: --config FILE, else <root>/.dsnguard.json when it exists, else an empty config.
// Error (config) when the file is unreadable or invalid (unknown keys are named).
core::Expected<config::RepoConfig> load_repo_config(const Options& options);

// Applies the config to the rule set before compiling: adds "extra-rules", drops rules turned off, applies
// severity overrides. Error (config) for unreadable rule files or a rule id the config names that does not exist.
core::Expected<void> configure_rules(std::vector<core::Rule>& rules, const Options& options);

// --fail-on when given, else the config's "fail-on", else "" (any finding fails).
std::string effective_fail_on(const Options& options);

// Every lint check as a Rule (app/lint_command.cpp), so SARIF and JSON consumers can describe the ids.
std::vector<core::Rule> lint_rules();

// Verification step (app/verify_findings.cpp): with --verify, checks each PostgreSQL finding's credential
// (raw secret still present) and sets Finding::verification.
void verify_findings(core::Report& report, const Options& options, std::ostream& err);

// Masks the secret in one finding (match, attributes) and forgets the raw secret.
void redact_finding(core::Finding& finding);

// Writes `report` in options.format to --output or `out`. Returns an error for unwritable output.
core::Expected<void> write_report(const core::Report& report, const Options& options, std::ostream& out);

// 3 when something could not be read (summary.incomplete; findings are still reported), else 1 when
// unsuppressed findings remain at or above --fail-on, else 3 when history was partial (shallow), else 0.
int exit_code_for(const core::Report& report, const Options& options);

// Prints "dsnguard: <message>" and returns the exit code for the error's class: 2 for usage, config, parse and
// not-found errors, 3 for everything else (the scan could not complete).
int fail_with(std::ostream& err, const core::Error& error);

// The tail every reporting command shares: finalize_findings, the elapsed time since `started`, write_report,
// then exit_code_for. Errors go through fail_with.
int finish_report(core::Report& report, const Options& options, std::chrono::steady_clock::time_point started,
                  std::ostream& out, std::ostream& err);

}  // namespace dsnguard::app
