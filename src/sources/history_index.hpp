#pragma once
// Internal to sources/: which blobs a history scan reads, and where each one was introduced. Built before any
// blob is read: in full mode from every tree of every commit (trees deduped by id and path), in range mode
// from the diffs of the commits in the range against their parents. Every unique blob is listed once.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/types.hpp"
#include "sources/commit_graph.hpp"

namespace dsnguard::sources {

class TreeStore;  // tree_store.hpp

class HistoryIndex {
public:
  // 28 bytes (git/git has 262k).
  struct Blob {
    git_oid id{};
    std::uint32_t path = 0;    // first path it was seen at (history order)
    std::uint32_t commit = 0;  // commit that introduced it there (index into the graph)
  };
  // One (blob, path) pair and the first commit that had it.
  struct Place {
    std::uint32_t blob = 0;
    std::uint32_t path = 0;
    std::uint32_t commit = 0;
  };

  // Full mode: adds every blob of the tree of each commit of `graph`, in graph.order (parents first, so the first
  // commit recorded for a (blob, path) introduced it), in the order of a recursive walk of each commit's tree that
  // enters each (tree, path prefix) once. Unreadable trees go to `missing` (hex ids). Trees come from `trees` (the
  // packs' trees, loaded: TreeStore::load_packs), others through `repo`. (history_full.cpp)
  // With `threads` > 1 and at least `split_commits` commits, two parts of the history are walked on two threads
  // (same result).
  void add_full(git_repository* repo, std::unique_ptr<TreeStore> trees, const CommitGraph& graph,
                std::vector<std::string>& missing, unsigned threads = 1,
                std::size_t split_commits = k_split_walk_commits);

  // History shorter than this is walked on one thread (the second part's first tree is listed whole).
  static constexpr std::size_t k_split_walk_commits = 2000;

  // Range mode: for each commit of `graph` (in order), the blobs it introduces relative to all its parents
  // (root commits and shallow boundaries: its whole tree). With `line_filter`, each blob also records the lines
  // the commit added relative to its first parent.
  void add_introduced(git_repository* repo, const CommitGraph& graph, bool line_filter,
                      std::vector<std::string>& missing);

  // Blobs present in the object database but not listed yet (--all-objects): path "" and no commit.
  void add_unreachable(git_repository* repo);

  const std::vector<Blob>& blobs() const { return m_blobs; }
  // Range mode with line filtering: the lines added to blob `blob` by the commit that introduced it; null when
  // every line counts.
  const std::vector<core::LineRange>* added_lines(std::uint32_t blob) const;
  const std::vector<Place>& places() const { return m_places; }
  const std::string& path(std::uint32_t id) const { return m_paths[id]; }
  // Number of blobs with no known path (unreachable objects).
  std::size_t unreachable_count() const { return m_unreachable; }
  // The blob first seen at `path` in `commit` (hex), or -1. Call only after listing (builds a lookup once).
  long find(const std::string& path, const std::string& commit_hex, const CommitGraph& graph);
  // Indices into places() of the places of `blob`, in places() order. Call only after listing.
  const std::vector<std::uint32_t>& places_of(std::uint32_t blob);

private:
  std::uint32_t intern_path(std::string_view path);
  // Fills m_blob_index from m_blobs when it is not complete (it is dropped after each listing function).
  void build_blob_index();
  // The index of blob `id` in m_blobs, added (first seen at `path` in `commit`) when new.
  std::uint32_t blob_index(const git_oid& id, std::uint32_t path, std::uint32_t commit);
  void add_place(const git_oid& blob, std::uint32_t path, std::uint32_t commit);
  // Drops every place whose (blob, path) an earlier place has. The listing functions call it when done: a set of
  // the pairs seen would cost more memory during the listing than the duplicates.
  void dedupe_places();
  // Frees m_blob_index (needed only while a listing function runs; rebuilt from m_blobs on demand).
  void drop_blob_index();

  std::vector<Blob> m_blobs;
  OidMap<std::uint32_t> m_blob_index;  // id -> index in m_blobs, while listing
  std::vector<Place> m_places;
  std::unordered_map<std::uint32_t, std::vector<core::LineRange>> m_added_lines;  // blob -> lines (line filter)
  std::vector<std::string> m_paths;
  std::unordered_map<std::string, std::uint32_t> m_path_index;
  std::size_t m_unreachable = 0;
  // Lookups built on first use after listing (provenance of the few blobs with findings).
  // path << 32 | commit -> blob there. Fragments come from a blob's first place, so m_blob_at_first_place (one
  // entry per blob) answers find(); m_first_blob (one entry per place) is built only for other queries.
  // add_full's walk over two threads, each a part of `graph` (every tree of `store` loaded); places go to `place`.
  void split_walk(TreeStore& store, const CommitGraph& graph,
                  const std::function<void(std::uint32_t, std::uint32_t, std::uint32_t)>& place);
  std::vector<std::pair<std::uint64_t, std::uint32_t>> m_blob_at_first_place;  // sorted by key, then blob
  std::unordered_map<std::uint64_t, std::uint32_t> m_first_blob;
  std::vector<std::vector<std::uint32_t>> m_places_of;             // blob -> place indices
};

}  // namespace dsnguard::sources
