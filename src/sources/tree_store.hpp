#pragma once
// Internal to sources/: every tree of a repository as a list of entries, built from the pack files without
// rebuilding each tree's bytes. A tree stored as a delta keeps the entries its delta copies whole from its base as
// index ranges into the base ("inherited" pieces) and parses only the bytes the delta inserts or cuts through; a
// history of 85k versions of a 450-entry root directory then costs its changes, not 85k x 450 entries. The
// history lister uses the inherited pieces to skip entries that a delta neighbour already listed at the same path.
// Trees outside the packs (loose, thin-pack bases elsewhere, corrupt data) are read through libgit2 on demand and
// have no neighbours. Loading the packs needs no repository handle, so it can run while the commits are walked.

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sources/commit_graph.hpp"
#include "sources/page_vector.hpp"
#include "util/spin_mutex.hpp"

namespace dsnguard::sources {

class PackSet;  // pack_reader.hpp

class TreeStore {
public:
  enum class Kind : std::uint8_t { blob, tree, other };  // other: gitlinks (submodule commits)
  // One distinct tree entry (mode, name, id), shared by every tree that holds it.
  struct Entry {
    const char* raw = nullptr;  // git's bytes of the entry: "<octal mode> <name>\0<20-byte id>"
    std::uint32_t size = 0;
    std::uint32_t name = 0;    // name id
    std::uint32_t target = 0;  // blob id index (blob_id) for blobs, tree slot for trees
    Kind kind = Kind::other;
  };
  // A run of a tree's entries: [start, start + size()) are the base's entries [src, src + size()) when
  // inherited(), else the entry ids new_ids()[src, src + size()]. 12 bytes (git/git has 4M of them).
  class Piece {
  public:
    Piece() = default;
    Piece(std::uint32_t start_, std::uint32_t size, std::uint32_t src_, bool inherited)
        : start(start_), src(src_), m_size(size | (inherited ? k_inherited : 0u))
    {
    }
    std::uint32_t size() const { return m_size & ~k_inherited; }
    bool inherited() const { return (m_size & k_inherited) != 0; }
    void grow(std::uint32_t n) { m_size += n; }

    std::uint32_t start = 0;
    std::uint32_t src = 0;

  private:
    static constexpr std::uint32_t k_inherited = 0x80000000u;
    std::uint32_t m_size = 0;
  };
  static constexpr std::uint32_t k_none = UINT32_MAX;

  TreeStore();
  ~TreeStore();
  TreeStore(const TreeStore&) = delete;
  TreeStore& operator=(const TreeStore&) = delete;

  // Reads every tree of `packs` on `threads` workers (call once, before anything else).
  void load_packs(PackSet& packs, unsigned threads);

  // The slot of tree `id` (created when new; not loaded yet then).
  std::uint32_t slot(const git_oid& id);
  // Makes sure the tree in `slot` is loaded (through `repo` when the packs did not have it). False when unreadable.
  bool ensure(std::uint32_t slot, git_repository* repo);
  // Loads every tree the packs did not have, through `repo`, and marks those that cannot be read: afterwards the
  // store is read-only for walks (ensure() answers without libgit2), which may then run on several threads.
  // Returns how many trees could not be read.
  std::size_t load_rest(git_repository* repo);

  const git_oid& tree_id(std::uint32_t slot) const { return m_trees[slot].id; }
  std::uint32_t entry_count(std::uint32_t slot) const { return m_trees[slot].entries; }
  // The slot of the delta base the tree's inherited pieces point into (k_none for whole trees).
  std::uint32_t base(std::uint32_t slot) const { return m_trees[slot].base; }
  std::span<const Piece> pieces(std::uint32_t slot) const;
  // Trees whose delta base is `slot` (trees loaded by load_packs).
  std::span<const std::uint32_t> children(std::uint32_t slot) const;
  // Appends the entry ids of entries [begin, end) of the tree in `slot` to `out`.
  void entries(std::uint32_t slot, std::uint32_t begin, std::uint32_t end, std::vector<std::uint32_t>& out) const;

  // "N trees, N distinct entries, N pieces" (for DSNGUARD_TIMING).
  std::string stats() const;
  std::uint32_t entry_total() const { return m_entry_count.load(std::memory_order_relaxed); }
  const Entry& entry(std::uint32_t id) const
  {
    return m_chunks[id >> k_chunk_bits].load(std::memory_order_acquire)[id & (k_chunk - 1)];
  }
  const std::string& name(std::uint32_t id) const { return m_names[id]; }
  const git_oid& blob_id(std::uint32_t index) const { return m_blob_ids[index]; }
  // Number of distinct blob ids the entries name (blob indexes are below it).
  std::uint32_t blob_count() const { return static_cast<std::uint32_t>(m_blob_ids.size()); }

private:
  struct TreeInfo {
    git_oid id{};
    bool loaded = false;
    bool unreadable = false;  // load_rest() could not read it
    std::uint32_t entries = 0;
    std::uint32_t base = k_none;
    std::uint32_t first_piece = 0;
    std::uint32_t piece_count = 0;
  };
  struct Builder;
  static constexpr unsigned k_chunk_bits = 16;
  static constexpr std::uint32_t k_chunk = 1u << k_chunk_bits;

  // Distinct entries by their raw bytes, in shards by hash: threads interning entries of different shards do not
  // wait for each other (one table for all entries kept the tree pass waiting on its lock for half its time).
  struct alignas(64) EntryShard {
    util::SpinMutex mutex;
    // Raw bytes -> entry id: open addressing on the hash's low 32 bits, each slot (those bits) << 32 | (id + 1),
    // 0 when empty.
    std::vector<std::uint64_t> table;
    std::uint32_t count = 0;
    std::vector<std::unique_ptr<char[]>> arena;  // raw bytes of the shard's entries
    std::size_t arena_used = 0;
    std::size_t arena_size = 0;
  };
  static constexpr unsigned k_shard_bits = 6;

  bool add_pack_tree(const git_oid& id, std::uint32_t depth, const char* data, std::size_t size);
  // Thread-safe (takes the entry's shard lock, then the name, blob or tree lock).
  std::uint32_t intern_entry(std::string_view raw, std::uint64_t hash);
  static std::uint64_t entry_hash(std::string_view raw);
  // Callers hold m_name_mutex.
  std::uint32_t intern_name(std::string_view name);
  // Callers hold m_mutex (or run single-threaded).
  std::uint32_t slot_locked(const git_oid& id);
  void record(std::uint32_t slot, std::uint32_t base, const Builder& b);

  util::SpinMutex m_mutex;  // trees: m_slot_table, m_trees, m_pieces, m_new_ids
  std::vector<std::uint32_t> m_slot_table;  // tree id -> slot + 1: open addressing on the id's first bytes
  // The big arrays (git/git: 382k trees, 4.2M pieces, 4.4M parsed entries) grow without copies (PageVector).
  PageVector<TreeInfo> m_trees;
  PageVector<Piece> m_pieces;
  PageVector<std::uint32_t> m_new_ids;
  std::vector<std::uint32_t> m_child_start;  // children of slot s: m_child_list[m_child_start[s] .. [s + 1])
  std::vector<std::uint32_t> m_child_list;
  // Entries in chunks that never move, under a chunk table sized once: read without a lock by threads that got
  // the id under its shard's lock (or from their own earlier trees).
  std::vector<std::atomic<Entry*>> m_chunks;
  std::atomic<std::uint32_t> m_entry_count{0};
  std::unique_ptr<EntryShard[]> m_shards;
  util::SpinMutex m_name_mutex;  // m_names, m_name_index
  std::deque<std::string> m_names;  // stable: m_name_index views them
  std::unordered_map<std::string_view, std::uint32_t> m_name_index;
  util::SpinMutex m_blob_mutex;  // m_blob_table, m_blob_ids
  std::vector<std::uint32_t> m_blob_table;  // blob id -> index + 1 (like m_slot_table)
  PageVector<git_oid> m_blob_ids;
};

}  // namespace dsnguard::sources
