#pragma once
// History provenance (issue 3): after a history or pre-push scan, groups findings of the same secret and fills
// their occurrences from the HistorySource. Internal to app/; runs before finalize_findings (it needs the raw
// secret to group, and redaction happens later).

#include <string>
#include <unordered_set>
#include <vector>

#include "core/types.hpp"
#include "sources/sources.hpp"

namespace dsnguard::app {

// Merges findings with the same rule id and the same secret (core::secret_hash of Finding::secret; env-file
// findings, which carry no secret, by rule id and path) into one finding whose occurrences list every (path,
// blob) where it was seen, oldest first, each with the commit that introduced it, author, time, refs that
// still reach it and whether HEAD still has it. The kept finding is the one from the oldest occurrence and its
// location.commit is that introducing commit; its confidence is the highest of the group's findings. Env-file findings get attribute "path_at_head" = "true"/"false".
// Also sets summary.commits, summary.blobs and, for a shallow clone, summary.partial_history (exit 3 only when
// nothing was found, see exit_code_for).
// A group whose findings are all below `min_confidence` (finalize_findings drops it) keeps the same finding and
// introducing commit (the baseline gate still matches its fingerprint) but no list of occurrences, and its
// occurrences are asked for only dated (no refs, no HEAD lookup): that was most of the cost on real histories,
// where test fixtures repeat the same weak password across thousands of blobs.
// Groups whose key (provenance_group_key) is in `full_detail` get full provenance whatever their confidence: the
// audit passes the credentials its working-tree scan found at or above `min_confidence`, which the merge of
// duplicates then reports at that confidence with this group's provenance.
// The findings it replaces go to `spent` when given (a process about to exit need not free tens of thousands of
// them one at a time), else they are destroyed.
void attach_provenance(core::Report& report, sources::HistorySource& source, core::Confidence min_confidence,
                       const std::unordered_set<std::string>* full_detail = nullptr,
                       std::vector<core::Finding>* spent = nullptr);

// What makes findings one group: rule id and secret hash (env files: path; other findings: fingerprint).
std::string provenance_group_key(const core::Finding& f);

}  // namespace dsnguard::app
