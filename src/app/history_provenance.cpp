#include "app/history_provenance.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "core/fingerprint.hpp"

namespace dsnguard::app {

namespace {

std::string group_key(const core::Finding& f)
{
  std::string key = f.rule_id;
  key.push_back('\x1f');
  if (!f.secret.empty()) {
    key += core::secret_hash(f.secret);
  } else if (f.kind == core::FindingKind::env_file) {
    key += "path:" + f.location.path;
  } else {
    key += "fp:" + f.fingerprint;
  }
  return key;
}

}  // namespace

void attach_provenance(core::Report& report, sources::HistorySource& source, core::Confidence min_confidence)
{
  report.summary.commits = source.commits();
  report.summary.blobs = source.blobs();
  // A shallow clone: exit_code_for() turns partial history into exit 3 only when nothing was found.
  // --since/--range/pre-push are deliberate limits, not missing history.
  if (source.shallow()) {
    report.summary.partial_history = true;
  }

  std::map<std::string, std::vector<core::Finding>> groups;
  std::vector<std::string> order;
  std::vector<core::Finding> others;
  for (auto& f : report.findings) {
    if (f.kind == core::FindingKind::lint) {
      others.push_back(std::move(f));
      continue;
    }
    auto key = group_key(f);
    auto& g = groups[key];
    if (g.empty()) {
      order.push_back(key);
    }
    g.push_back(std::move(f));
  }
  report.findings = std::move(others);
  for (const auto& key : order) {
    auto& g = groups[key];
    // Findings arrive in whatever order the reader threads finished: sort them so that the line kept for each
    // occurrence and the finding kept for the group do not depend on it.
    std::sort(g.begin(), g.end(), [](const core::Finding& a, const core::Finding& b) {
      return std::tie(a.location.path, a.location.commit, a.location.line, a.location.column, a.rule_id)
             < std::tie(b.location.path, b.location.commit, b.location.line, b.location.column, b.rule_id);
    });
    const bool reported = std::any_of(g.begin(), g.end(), [&](const core::Finding& f) {
      return f.confidence >= min_confidence;
    });
    const auto detail = reported ? sources::HistorySource::Detail::full : sources::HistorySource::Detail::dated;
    std::vector<core::Occurrence> occ;
    std::set<std::pair<std::string, std::string>> seen;  // (path, blob)
    std::size_t oldest_finding = 0;
    std::int64_t oldest_time = INT64_MAX;
    for (std::size_t i = 0; i < g.size(); ++i) {
      const auto& f = g[i];
      for (auto& o : source.occurrences(f.location.path, f.location.commit, detail)) {
        // An env-file finding is about its path: other paths of the same blob are not that file.
        if (f.kind == core::FindingKind::env_file && o.path != f.location.path) {
          continue;
        }
        if (!seen.insert({o.path, o.blob}).second) {
          continue;
        }
        o.line = f.location.line;
        if (o.time < oldest_time) {
          oldest_time = o.time;
          oldest_finding = i;
        }
        occ.push_back(std::move(o));
      }
    }
    std::sort(occ.begin(), occ.end(), [](const core::Occurrence& a, const core::Occurrence& b) {
      return std::tie(a.time, a.sequence, a.path, a.blob) < std::tie(b.time, b.sequence, b.path, b.blob);
    });
    core::Finding kept = std::move(g[oldest_finding]);
    // The credential is as exposed as its most trusted sighting: an older copy in a test file must not hide
    // (or downgrade) the same secret in application code.
    for (const auto& f : g) {
      kept.confidence = std::max(kept.confidence, f.confidence);
    }
    if (!occ.empty() && occ.front().path == kept.location.path) {
      kept.location.commit = occ.front().commit;
    }
    if (kept.kind == core::FindingKind::env_file) {
      kept.attributes.emplace_back("path_at_head", source.path_at_head(kept.location.path) ? "true" : "false");
    }
    kept.occurrences = std::move(occ);
    report.findings.push_back(std::move(kept));
  }
}

}  // namespace dsnguard::app
