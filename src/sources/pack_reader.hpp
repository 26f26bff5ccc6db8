#pragma once
// Internal to sources/: reads blobs straight from the pack files, resolving each delta chain along the pack's
// delta tree so that every object is inflated exactly once (what `git index-pack` does). libgit2 1.5 resolves
// each object on its own with a 16 MiB delta-base cache, which re-inflates long chains again and again: 5-7x
// slower than git on a real history (see bench/history-bench.sh). Objects this reader cannot resolve (loose
// objects, thin-pack REF_DELTA bases in another pack, corrupt data) are left for libgit2. Also lists trees for the
// history index the same way.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/types.hpp"
#include "sources/commit_graph.hpp"

namespace dsnguard::sources {

// Receives one blob's content (`index`: its position in the wanted list) and how it relates to the blob it is a
// delta of (the pieces copied from the base and inserted, the memo the scanner left for the base, where to leave
// this blob's memo: core::DeltaContext). Called from several threads at once. Return false to stop.
using PackBlobFn = std::function<bool(std::uint32_t index, const char* data, std::size_t size,
                                      core::DeltaContext* delta)>;

// An object to read, and the caller's tag for it.
struct BlobJob {
  git_oid id{};
  std::uint32_t tag = 0;
};

// Sorts `jobs` by id (bytewise), as read_pack_blobs wants them: a counting sort by the first two bytes, then each
// bucket (about one job in a uniform hash) sorted alone. A comparison sort took ~11 ms of serial time on
// sqlalchemy's 82k blobs, this ~3 ms.
void sort_by_id(std::vector<BlobJob>& jobs);

// The packs of one repository, each object's header parsed once (offset, type, delta base). A history scan reads
// commits, trees and blobs from the same packs: sharing one PackSet saves parsing ~650k headers again for each
// (~80 ms of serial time per pass on sqlalchemy). Loads the packs on first use (packs()), which is not
// thread-safe; once loaded, read_pack_* passes may run on several threads at once.
class PackSet {
public:
  explicit PackSet(std::string git_dir);
  ~PackSet();
  PackSet(const PackSet&) = delete;
  PackSet& operator=(const PackSet&) = delete;

  struct Packs;
  Packs& packs();

private:
  std::string m_git_dir;
  std::unique_ptr<Packs> m_packs;
};

// How many trees and blobs the packs hold (an object in several packs counts once per pack), for sizing tables.
struct PackCounts {
  std::uint64_t trees = 0;
  std::uint64_t blobs = 0;
};
PackCounts count_pack_objects(PackSet& packs);

// For every blob in `wanted` (sorted by id, no duplicates) that lives in one of `packs`: calls `fn` once with
// its position in `wanted` (blobs present in several packs: once in total) and sets done[position]. Uses `threads`
// workers. Returns false when `fn` asked to stop.
bool read_pack_blobs(PackSet& packs, std::span<const BlobJob> wanted, unsigned threads,
                     std::vector<std::atomic<std::uint8_t>>& done, const PackBlobFn& fn);

// Receives one object's id and raw content; called from several threads at once. Return false to stop.
using PackObjectFn = std::function<bool(const git_oid& id, const char* data, std::size_t size)>;

// Calls `fn` for every commit object in `packs` (a commit stored in several packs: once per pack), on `threads`
// workers. Commits outside packs (loose, or in a pack this reader cannot parse) are not reported. Returns false when
// `fn` asked to stop.
bool read_pack_commits(PackSet& packs, unsigned threads, const PackObjectFn& fn);

// Receives one tree of a pack in delta order, on one of several threads: at `depth` 0 a whole tree (`data` is its
// content), at depth d > 0 a delta (`data` is git's delta instructions) against the tree this thread reported
// last at depth d - 1. A thread reports each delta tree depth-first, so that base is still the current one. Return
// false to stop.
using PackRawFn = std::function<bool(const git_oid& id, std::uint32_t depth, const char* data, std::size_t size)>;

// Calls `fn` for every tree object in `packs` (a tree stored in several packs: once per pack) without
// applying deltas, on `threads` workers. Trees outside packs, and the delta trees under one whose data is corrupt,
// are not reported. Returns false when `fn` asked to stop.
bool read_pack_tree_deltas(PackSet& packs, unsigned threads, const PackRawFn& fn);

}  // namespace dsnguard::sources
