#pragma once
// Internal to sources/: the commit graph of a repository as plain data (ids, parents, times), walked without
// git_revwalk so that shallow clones work (libgit2 1.5 revwalk fails at the missing parents of shallow commits,
// libgit2 #6096): commits listed in $GIT_DIR/shallow are treated as roots.

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "sources/git_util.hpp"

namespace dsnguard::sources {

struct OidHash {
  std::size_t operator()(const git_oid& id) const noexcept
  {
    std::size_t h = 0;
    static_assert(sizeof(id.id) >= sizeof h);
    std::memcpy(&h, id.id, sizeof h);
    return h;
  }
};
struct OidEq {
  bool operator()(const git_oid& a, const git_oid& b) const noexcept { return git_oid_equal(&a, &b) != 0; }
};
using OidSet = std::unordered_set<git_oid, OidHash, OidEq>;
template <typename V> using OidMap = std::unordered_map<git_oid, V, OidHash, OidEq>;

// A starting point of the walk: a ref (or HEAD, or a stash reflog entry) and the object it peels to.
struct Tip {
  std::string name;  // "refs/heads/main", "HEAD", "refs/stash@{2}"
  git_oid commit{};  // valid when is_commit
  bool is_commit = false;
  git_oid object{};  // the peeled non-commit target (tree or blob) otherwise
  git_object_t type = GIT_OBJECT_COMMIT;
};

// Every ref (branches, tags, remote-tracking, notes, stash and every older stash entry from its reflog) plus HEAD,
// peeled through annotated tags. Refs that cannot be resolved are returned in `broken` by name.
core::Expected<std::vector<Tip>> collect_tips(git_repository* repo, std::vector<std::string>& broken);

// The commits of `tips` that peel to one, in order (the starts of a walk over all refs).
std::vector<git_oid> commit_tips(const std::vector<Tip>& tips);

struct CommitGraph {
  std::vector<git_oid> ids;
  std::vector<std::int64_t> times;
  std::vector<git_oid> trees;                       // root tree of each commit
  // Author of each commit: an index into author_names ("Name <email>", "" when unreadable), and the author time.
  std::vector<std::uint32_t> authors;
  std::vector<std::int64_t> author_times;
  std::vector<std::string> author_names;
  std::vector<std::vector<std::uint32_t>> parents;  // indices into ids (parents outside the walk omitted)
  std::vector<std::uint32_t> order;                 // parents before children ("history order")
  OidMap<std::uint32_t> index;
  std::vector<std::string> missing;  // commits referenced but absent (hex)
  bool truncated = false;            // a shallow boundary was reached
};

class PackSet;  // pack_reader.hpp

// How many commits a walk looks up one by one before it parses all commits of the packs instead.
inline constexpr std::size_t k_bulk_commits_after = 2000;

// The commits $GIT_DIR/shallow lists (empty for a complete clone).
OidSet read_shallow(const std::string& git_dir);

// Walks from `starts`, not entering commits in `hidden` (nor their ancestors: callers pass a closed set from
// reachable()). Parents of shallow commits are not followed. Missing commits are recorded, not fatal. Past
// `bulk_after` commits, the rest are read by parsing all commits of the packs at once (CommitReader), from
// `packs` when given (a PackSet the caller reads trees and blobs from next).
CommitGraph walk_commits(git_repository* repo, const std::vector<git_oid>& starts, const OidSet& shallow,
                         const OidSet& hidden = {}, std::size_t bulk_after = k_bulk_commits_after,
                         PackSet* packs = nullptr);

// Every commit reachable from `starts` (inclusive), stopping at shallow commits; missing ones are ignored.
OidSet reachable(git_repository* repo, const std::vector<git_oid>& starts, const OidSet& shallow,
                 std::size_t bulk_after = k_bulk_commits_after);

}  // namespace dsnguard::sources
