// The CI gate (issue 6): repository config (.dsnguard.json), inline `dsnguard:allow` (marked by scan/, counted
// here), --baseline / --write-baseline, stale baseline entries.
#include <filesystem>
#include <set>

#include "app/pipeline.hpp"
#include "baseline/baseline.hpp"
#include "config/repo_config.hpp"
#include "config/rules.hpp"
#include "sources/sources.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

namespace dsnguard::app {

namespace {

namespace fs = std::filesystem;

// Root of the repository (or directory) being scanned; "" when it cannot be determined (then no default
// config or baseline is looked up and the scan itself reports the problem).
std::string scan_root(const Options& options)
{
  auto info = discover_once(options);
  return info ? info->root : std::string();
}

bool exists(const std::string& path)
{
  std::error_code ec;
  return fs::exists(path, ec);
}

// Partial modes see only part of the repository: every baseline entry would look stale, and a written
// baseline must keep the entries it did not see.
bool partial_mode(const core::Report& report)
{
  return report.mode == "staged" || report.mode == "pre-push";
}

}  // namespace

core::Expected<config::RepoConfig> load_repo_config(const Options& options)
{
  if (!options.config.empty()) {
    return config::load_repo_config(options.config);
  }
  const std::string root = scan_root(options);
  if (root.empty()) {
    return config::RepoConfig{};
  }
  const std::string path = (fs::path(root) / config::k_repo_config_name).string();
  if (!exists(path)) {
    return config::RepoConfig{};
  }
  return config::load_repo_config(path);
}

core::Expected<void> configure_rules(std::vector<core::Rule>& rules, const Options& options)
{
  DSNGUARD_TRY_ASSIGN(const auto cfg, load_repo_config(options));
  for (const auto& file : cfg.extra_rules) {
    DSNGUARD_TRY_ASSIGN(auto extra, config::load_rules(file));
    for (auto& r : extra) {
      rules.push_back(std::move(r));
    }
  }
  std::set<std::string> known;
  for (const auto& r : rules) {
    known.insert(r.id);
  }
  // A misspelt rule id would silently leave a rule on: name it.
  for (const auto& [id, setting] : cfg.rules) {
    if (known.count(id) == 0) {
      return core::fail(core::ErrorCode::config, cfg.file + ": 'rules' names unknown rule '" + id + "'");
    }
  }
  std::vector<core::Rule> kept;
  for (auto& r : rules) {
    if (!cfg.rule_enabled(r.id)) {
      continue;
    }
    if (const auto sev = cfg.severity_for(r.id)) {
      r.severity = *sev;
    }
    kept.push_back(std::move(r));
  }
  rules = std::move(kept);
  return {};
}

std::string effective_fail_on(const Options& options)
{
  if (!options.fail_on.empty()) {
    return options.fail_on;
  }
  auto cfg = load_repo_config(options);
  return cfg ? cfg->fail_on : std::string();
}

core::Expected<void> apply_gate(core::Report& report, const Options& options, std::ostream& err)
{
  DSNGUARD_TRY_ASSIGN(const auto cfg, load_repo_config(options));
  auto& findings = report.findings;

  for (auto& f : findings) {
    if (const auto sev = cfg.severity_for(f.rule_id)) {
      f.severity = *sev;
    }
    if (!f.suppressed && cfg.path_allowed(f.location.path)) {
      f.suppressed = true;
      f.suppressed_by = "config";
    }
  }

  // Baseline: --baseline, else the config's "baseline", else <root>/.dsnguard-baseline when present (so the
  // plain git hook, which passes no flags, honours the team's baseline).
  std::string baseline_file = options.baseline;
  if (baseline_file.empty()) {
    baseline_file = cfg.baseline;
  }
  if (baseline_file.empty() && !report.root.empty()) {
    const auto candidate = (fs::path(report.root) / k_default_baseline_name).string();
    if (exists(candidate) && candidate != options.write_baseline) {
      baseline_file = candidate;
    }
  }
  if (!baseline_file.empty()) {
    DSNGUARD_TRY_ASSIGN(const auto known, baseline::load(baseline_file));
    const auto stale = baseline::apply(known, findings);
    // Not when --write-baseline rewrites the file in this same run: the stale entries are being pruned.
    if (!stale.empty() && !partial_mode(report) && options.write_baseline.empty()) {
      for (const auto& e : stale) {
        report.stale_baseline.push_back(e.fingerprint);
      }
      report.summary.notes.push_back("baseline '" + baseline_file + "': " + std::to_string(stale.size())
                                     + (stale.size() == 1 ? " entry matches" : " entries match")
                                     + " nothing in this scan (stale); prune with --write-baseline "
                                     + baseline_file);
    }
  }

  if (!options.write_baseline.empty()) {
    std::vector<core::Finding> recorded;
    for (const auto& f : findings) {
      if (f.kind == core::FindingKind::lint || f.confidence >= options.min_confidence) {
        recorded.push_back(f);
      }
    }
    auto entries = baseline::entries_for(recorded);
    if (partial_mode(report) && exists(options.write_baseline)) {
      DSNGUARD_TRY_ASSIGN(const auto previous, baseline::load(options.write_baseline));
      entries.insert(entries.end(), previous.entries.begin(), previous.entries.end());
    }
    const auto text = baseline::serialize(entries);
    const auto error = util::write_file_atomic(options.write_baseline, text);
    if (!error.empty()) {
      return core::fail(core::ErrorCode::io, "cannot write baseline '" + options.write_baseline + "': " + error);
    }
    std::set<std::string> unique;
    for (const auto& e : entries) {
      unique.insert(e.fingerprint);
    }
    const std::size_t written = unique.size();
    err << "dsnguard: wrote " << written << (written == 1 ? " entry" : " entries") << " to baseline '"
        << options.write_baseline << "'\n";
    // The findings just recorded are accepted: they no longer fail this run.
    for (auto& f : findings) {
      if (!f.suppressed) {
        f.suppressed = true;
        f.suppressed_by = "baseline";
      }
    }
  }
  return {};
}

}  // namespace dsnguard::app
