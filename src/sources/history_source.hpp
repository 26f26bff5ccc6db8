#pragma once
// Internal to sources/: the one Source behind --history, --since/--range and --pre-push. A Scope says which
// commits to walk; the source lists their blobs (HistoryIndex), reads each unique blob once (read_blobs) and
// keeps what provenance needs until it is destroyed.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sources/commit_graph.hpp"
#include "sources/sources.hpp"

namespace dsnguard::sources {

struct Scope {
  std::vector<git_oid> starts;  // walk from these commits
  std::vector<git_oid> hide;    // ...excluding everything reachable from these
  bool full = true;             // every blob of every tree; false: only blobs each commit introduces
  bool line_filter = false;     // (range) keep only findings on lines the commit added
  bool partial = false;         // the scope is deliberately a part of history (--since/--range)
};

// Builds the Scope once the repository is open: gets the repository, the collected tips and the shallow set.
using ScopeFn = std::function<core::Expected<Scope>(git_repository*, const std::vector<Tip>&, core::FragmentSink&)>;

struct HistoryConfig {
  std::string path;
  bool all_objects = false;
  std::uint64_t max_file_size = 10ull * 1024 * 1024;
  unsigned threads = 0;
  bool progress = false;
  bool full_expected = false;  // the scope will be full (every ref, no limit): the packs are loaded while refs are read
  ScopeFn scope;
};

core::Expected<std::unique_ptr<HistorySource>> make_git_history_source(HistoryConfig config);

// Resolves a revision to a commit id. Error not_found naming `rev`.
core::Expected<git_oid> resolve_commit(git_repository* repo, const std::string& rev);

}  // namespace dsnguard::sources
