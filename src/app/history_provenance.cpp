#include "app/history_provenance.hpp"

#include <algorithm>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/fingerprint.hpp"

namespace dsnguard::app {

std::string provenance_group_key(const core::Finding& f)
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

namespace {

// History order of occurrences: oldest first; equal times by place in history, then path and blob.
bool older(const core::Occurrence& a, const core::Occurrence& b)
{
  return std::tie(a.time, a.sequence, a.path, a.blob) < std::tie(b.time, b.sequence, b.path, b.blob);
}

}  // namespace

void attach_provenance(core::Report& report, sources::HistorySource& source, core::Confidence min_confidence,
                       const std::unordered_set<std::string>* full_detail, std::vector<core::Finding>* spent)
{
  report.summary.commits = source.commits();
  report.summary.blobs = source.blobs();
  // A shallow clone: exit_code_for() turns partial history into exit 3 only when nothing was found.
  // --since/--range/pre-push are deliberate limits, not missing history.
  if (source.shallow()) {
    report.summary.partial_history = true;
  }

  // Groups as lists of indices into report.findings: a Finding is large, and sorting or regrouping moves it.
  std::unordered_map<std::string, std::size_t> group_of;
  std::vector<std::vector<std::size_t>> groups;
  std::vector<core::Finding> out;
  for (std::size_t i = 0; i < report.findings.size(); ++i) {
    auto& f = report.findings[i];
    if (f.kind == core::FindingKind::lint) {
      out.push_back(std::move(f));
      continue;
    }
    const auto [it, added] = group_of.try_emplace(provenance_group_key(f), groups.size());
    if (added) {
      groups.emplace_back();
    }
    groups[it->second].push_back(i);
  }
  for (auto& g : groups) {
    // Findings arrive in whatever order the reader threads finished: sort them so that the line kept for each
    // occurrence and the finding kept for the group do not depend on it.
    std::sort(g.begin(), g.end(), [&](std::size_t x, std::size_t y) {
      const auto& a = report.findings[x];
      const auto& b = report.findings[y];
      return std::tie(a.location.path, a.location.commit, a.location.line, a.location.column, a.rule_id)
             < std::tie(b.location.path, b.location.commit, b.location.line, b.location.column, b.rule_id);
    });
    // The credential is as exposed as its most trusted sighting: an older copy in a test file must not hide
    // (or downgrade) the same secret in application code.
    core::Confidence confidence = core::Confidence::low;
    for (const std::size_t i : g) {
      confidence = std::max(confidence, report.findings[i].confidence);
    }
    const bool reported = confidence >= min_confidence
                          || (full_detail != nullptr
                              && full_detail->count(provenance_group_key(report.findings[g.front()])) != 0);
    const auto detail = reported ? sources::HistorySource::Detail::full : sources::HistorySource::Detail::dated;
    std::vector<core::Occurrence> occ;  // reported groups only
    std::unordered_set<std::string> seen;  // path NUL blob
    const core::Occurrence* first = nullptr;  // oldest (time, sequence, path, blob) so far, in `occ` or `dated`
    core::Occurrence dated;                   // unreported groups: only the oldest is kept
    std::size_t oldest_finding = 0;
    std::int64_t oldest_time = INT64_MAX;
    for (std::size_t k = 0; k < g.size(); ++k) {
      const auto& f = report.findings[g[k]];
      if (k > 0) {
        // The same blob as the finding before (sorted by path and commit): its occurrences were all taken, none is
        // older than itself or new to `seen`.
        const auto& prev = report.findings[g[k - 1]];
        if (prev.location.path == f.location.path && prev.location.commit == f.location.commit
            && prev.kind == f.kind) {
          continue;
        }
      }
      for (auto& o : source.occurrences(f.location.path, f.location.commit, detail)) {
        // An env-file finding is about its path: other paths of the same blob are not that file.
        if (f.kind == core::FindingKind::env_file && o.path != f.location.path) {
          continue;
        }
        if (o.time < oldest_time) {
          oldest_time = o.time;
          oldest_finding = k;
        }
        if (!reported) {
          // The group is dropped by --min-confidence: which finding it keeps and that finding's introducing commit
          // still count (the baseline gate matches fingerprints), its list of occurrences does not.
          if (first == nullptr || older(o, dated)) {
            dated = std::move(o);
            first = &dated;
          }
          continue;
        }
        if (!seen.insert(o.path + '\0' + o.blob).second) {
          continue;
        }
        o.line = f.location.line;
        occ.push_back(std::move(o));
      }
    }
    std::sort(occ.begin(), occ.end(), older);
    if (!occ.empty()) {
      first = &occ.front();
    }
    core::Finding kept = std::move(report.findings[g[oldest_finding]]);
    kept.confidence = confidence;
    if (first != nullptr && first->path == kept.location.path) {
      kept.location.commit = first->commit;
    }
    if (kept.kind == core::FindingKind::env_file) {
      kept.attributes.emplace_back("path_at_head", source.path_at_head(kept.location.path) ? "true" : "false");
    }
    kept.occurrences = std::move(occ);
    out.push_back(std::move(kept));
  }
  if (spent != nullptr) {
    *spent = std::move(report.findings);
  }
  report.findings = std::move(out);
}

}  // namespace dsnguard::app
