#pragma once
// Internal to sources/: reads commits (root tree, parents, committer time, author) for the commit walk. Starts with one
// libgit2 lookup per commit; once a walk has looked up `bulk_after` commits it parses every commit of the packs in
// one pass instead (git/git: 203k lookups took ~4 s, the pass well under one), and keeps libgit2 for commits the
// packs do not hold or whose headers it does not parse the way libgit2 does.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "sources/commit_graph.hpp"

namespace dsnguard::sources {

struct CommitInfo {
  git_oid tree{};
  std::int64_t time = 0;  // committer time, as git_commit_time
  std::vector<git_oid> parents;
  // "Name <email>" and time of the author, as libgit2 reads them (git_commit_author); "" and 0 when libgit2 would
  // not parse the author line.
  std::string author;
  std::int64_t author_time = 0;
};

// Parses the headers of a raw commit object. False when they are not in the plain form ("tree", "parent" lines,
// a "committer" line ending in "<email> <seconds> <zone>"), so that libgit2 reads that commit instead.
bool parse_commit(const char* data, std::size_t size, CommitInfo& out);

class CommitReader {
public:
  // Past `bulk_after` lookups, every commit of the packs is parsed at once (from `packs` when given).
  CommitReader(git_repository* repo, std::size_t bulk_after, PackSet* packs = nullptr);

  // False when the commit cannot be read (missing, or not a commit).
  bool read(const git_oid& id, CommitInfo& out);

private:
  struct Packed {
    git_oid tree{};
    std::int64_t time = 0;
    std::int64_t author_time = 0;
    std::uint32_t first_parent = 0;
    std::uint32_t parent_count = 0;
    std::uint32_t author = 0;  // index in m_authors
  };
  void load_packs();

  git_repository* m_repo;
  std::size_t m_bulk_after;
  PackSet* m_packs;
  std::size_t m_lookups = 0;
  bool m_bulk = false;
  OidMap<Packed> m_packed;
  std::vector<git_oid> m_parents;
  std::vector<std::string> m_authors;  // distinct authors of the packed commits
  std::unordered_map<std::string, std::uint32_t> m_author_index;
};

}  // namespace dsnguard::sources
