#include "app/pipeline.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <tuple>

#include "app/exit_codes.hpp"
#include "app/pending_engine.hpp"
#include "config/rules.hpp"
#include "report/reporter.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

namespace dsnguard::app {

core::Expected<sources::RepoInfo> discover_once(const Options& options)
{
  static std::mutex mutex;
  static std::map<std::pair<std::string, bool>, sources::RepoInfo> known;
  const std::lock_guard<std::mutex> lock(mutex);
  const auto key = std::make_pair(options.path, options.no_git);
  if (const auto it = known.find(key); it != known.end()) {
    return it->second;
  }
  auto info = sources::discover(options.path, options.no_git);
  if (info) {
    known.emplace(key, *info);  // errors are not kept: the path may appear later
  }
  return info;
}

core::Expected<scan::Engine> load_engine(const Options& options)
{
  DSNGUARD_TRY_ASSIGN(auto rules, config::builtin_rules_for_scan());
  for (const auto& file : options.rule_files) {
    DSNGUARD_TRY_ASSIGN(auto extra, config::load_rules(file));
    for (auto& r : extra) {
      rules.push_back(std::move(r));
    }
  }
  DSNGUARD_TRY(configure_rules(rules, options));
  return scan::Engine::compile(std::move(rules));
}

sources::HistoryOptions history_options(const Options& options)
{
  sources::HistoryOptions ho;
  ho.path = options.path;
  ho.all_objects = options.all_objects;
  ho.since = options.since;
  ho.range = options.range;
  ho.max_file_size = options.max_file_size;
  ho.threads = options.threads;
  ho.progress = ::isatty(STDERR_FILENO) == 1 && !options.quiet;
  return ho;
}

sources::WorktreeOptions worktree_options(const Options& options)
{
  sources::WorktreeOptions wo;
  wo.path = options.path;
  wo.no_git = options.no_git;
  wo.max_file_size = options.max_file_size;
  wo.threads = options.threads;
  return wo;
}

CollectingSink::CollectingSink(const scan::Engine& engine, std::ostream& err) : m_engine(&engine), m_err(err) {}

CollectingSink::CollectingSink(PendingEngine& pending, std::ostream& err) : m_pending(&pending), m_err(err) {}

const scan::Engine* CollectingSink::engine()
{
  if (m_pending != nullptr) {
    std::call_once(m_resolved, [this] {
      const auto& loaded = m_pending->get();
      m_pending->stop_preparing();
      m_engine = loaded ? &*loaded : nullptr;
    });
  }
  return m_engine;
}

core::Visit CollectingSink::fragment(const core::Fragment& fragment)
{
  const scan::Engine* engine = this->engine();
  if (engine == nullptr) {
    return core::Visit::stop;
  }
  auto found = engine->scan(fragment);
  m_files_scanned.fetch_add(1, std::memory_order_relaxed);
  m_bytes_scanned.fetch_add(fragment.bytes.size(), std::memory_order_relaxed);
  if (found.empty()) {
    return core::Visit::next;
  }
  std::lock_guard<std::mutex> lock(m_mutex);
  for (auto& f : found) {
    m_findings.push_back(std::move(f));
  }
  return core::Visit::next;
}

void CollectingSink::skipped(const core::Skipped& skipped)
{
  if (engine() == nullptr) {
    return;  // the scan fails with the engine's error alone
  }
  std::lock_guard<std::mutex> lock(m_mutex);
  ++m_summary.files_skipped;
  if (skipped.reason == core::Skipped::Reason::binary) {
    ++m_summary.binary_skipped;
  }
  if (core::is_incomplete(skipped.reason)) {
    m_summary.incomplete = true;
    m_err << "dsnguard: " << core::to_string(skipped.reason) << ": " << util::printable(skipped.path);
    if (!skipped.detail.empty()) {
      m_err << ": " << skipped.detail;
    }
    m_err << "\n";
  }
  m_skipped.push_back(skipped);
}

void CollectingSink::note(const std::string& text)
{
  if (engine() == nullptr) {
    return;
  }
  std::lock_guard<std::mutex> lock(m_mutex);
  m_summary.notes.push_back(text);
}

void CollectingSink::take(core::Report& report)
{
  std::lock_guard<std::mutex> lock(m_mutex);
  report.findings = std::move(m_findings);
  report.skipped = std::move(m_skipped);
  // Worker threads report skips in whatever order they finish: sort so that the report does not depend on timing.
  std::sort(report.skipped.begin(), report.skipped.end(), [](const core::Skipped& a, const core::Skipped& b) {
    return std::tie(a.path, a.reason, a.detail) < std::tie(b.path, b.reason, b.detail);
  });
  const auto notes = report.summary.notes;
  report.summary = m_summary;
  report.summary.files_scanned += m_files_scanned.exchange(0);
  report.summary.bytes_scanned += m_bytes_scanned.exchange(0);
  report.summary.notes.insert(report.summary.notes.begin(), notes.begin(), notes.end());
  m_findings.clear();
  m_skipped.clear();
}

void redact_finding(core::Finding& f)
{
  if (f.secret_length > 0 && f.secret_offset + f.secret_length <= f.match.size()) {
    f.match.replace(f.secret_offset, f.secret_length, "****");
    f.secret_length = 4;
  }
  // Any other copy of the raw secret (a second occurrence in the match, an attribute) goes too.
  if (!f.secret.empty()) {
    const auto mask_all = [&](std::string& s) {
      for (std::size_t pos = s.find(f.secret); pos != std::string::npos; pos = s.find(f.secret, pos + 4)) {
        s.replace(pos, f.secret.size(), "****");
      }
    };
    mask_all(f.match);
    mask_all(f.message);
    mask_all(f.fix);
    for (auto& [k, v] : f.attributes) {
      mask_all(v);
    }
  }
  f.secret.clear();
}

core::Expected<void> finalize_findings(core::Report& report, const Options& options, std::ostream& err)
{
  DSNGUARD_TRY(apply_gate(report, options, err));
  auto& fs = report.findings;
  fs.erase(std::remove_if(fs.begin(), fs.end(),
                          [&](const core::Finding& f) {
                            return f.kind != core::FindingKind::lint && f.confidence < options.min_confidence;
                          }),
           fs.end());
  verify_findings(report, options, err);
  report.redacted = !options.no_redact;
  if (report.redacted) {
    for (auto& f : fs) {
      redact_finding(f);
    }
  }
  std::sort(fs.begin(), fs.end(), [](const core::Finding& a, const core::Finding& b) {
    return std::tie(a.location.path, a.location.line, a.location.column, a.rule_id, a.location.commit)
           < std::tie(b.location.path, b.location.line, b.location.column, b.rule_id, b.location.commit);
  });
  report.summary.findings = 0;
  report.summary.suppressed = 0;
  for (const auto& f : fs) {
    if (f.suppressed) {
      ++report.summary.suppressed;
    } else {
      ++report.summary.findings;
    }
  }
  return {};
}

core::Expected<void> write_report(const core::Report& report, const Options& options, std::ostream& out)
{
  report::ReporterOptions ro;
  const bool to_stdout = options.output.empty() || options.output == "-";
  if (options.color == Options::Color::always) {
    ro.color = true;
  } else if (options.color == Options::Color::auto_) {
    const char* no_color = std::getenv("NO_COLOR");
    ro.color = to_stdout && ::isatty(STDOUT_FILENO) == 1 && (no_color == nullptr || *no_color == '\0');
  }
  ro.show_suppressed = options.show_suppressed;
  auto reporter = report::make_reporter(options.format, ro);
  if (to_stdout) {
    DSNGUARD_TRY(reporter->write(out, report));
    out.flush();
    return {};
  }
  std::ostringstream buffer;
  DSNGUARD_TRY(reporter->write(buffer, report));
  const std::string error = util::write_file_atomic(options.output, buffer.str());
  if (!error.empty()) {
    return core::fail(core::ErrorCode::io, "cannot write report to '" + options.output + "': " + error);
  }
  return {};
}

namespace {

// True when `f` is at or above the --fail-on threshold (a confidence or a severity name).
bool fails(const core::Finding& f, const std::string& fail_on)
{
  if (fail_on.empty()) {
    return true;
  }
  if (const auto c = core::parse_confidence(fail_on)) {
    return f.confidence >= *c;
  }
  if (const auto s = core::parse_severity(fail_on)) {
    return f.severity >= *s;
  }
  return true;
}

}  // namespace

int exit_code_for(const core::Report& report, const Options& options)
{
  // Something could not be read: say so even when findings were reported (they are still in the report).
  if (report.summary.incomplete) {
    return k_exit_incomplete;
  }
  const std::string fail_on = effective_fail_on(options);
  for (const auto& f : report.findings) {
    if (!f.suppressed && fails(f, fail_on)) {
      return k_exit_findings;
    }
  }
  // Partial history (shallow clone) is "incomplete" only when it found nothing (issue 3).
  return report.summary.partial_history ? k_exit_incomplete : k_exit_clean;
}

int fail_with(std::ostream& err, const core::Error& error)
{
  err << "dsnguard: " << error.message << "\n";
  switch (error.code) {
  case core::ErrorCode::usage:
  case core::ErrorCode::config:
  case core::ErrorCode::parse:
  case core::ErrorCode::not_found: return k_exit_usage;
  default: return k_exit_incomplete;
  }
}

int finish_report(core::Report& report, const Options& options, std::chrono::steady_clock::time_point started,
                  std::ostream& out, std::ostream& err)
{
  if (auto finalized = finalize_findings(report, options, err); !finalized) {
    return fail_with(err, finalized.error());
  }
  report.summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (auto written = write_report(report, options, out); !written) {
    return fail_with(err, written.error());
  }
  return exit_code_for(report, options);
}

}  // namespace dsnguard::app
