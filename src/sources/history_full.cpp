// HistoryIndex::add_full: every (blob, path) of every commit's tree, with the first commit (history order) that
// had it, listed exactly as a recursive walk of each commit's tree in history order would (each (tree, path
// prefix) entered once, entries in tree order, a subtree's entries before the entries after it).
//
// The walk itself is that recursive walk, over the entry lists of the TreeStore instead of inflated trees. What
// makes it cheap is skipping what cannot be new: when a tree is entered at prefix P, each entry it shares with a
// delta neighbour (its pack delta base, or a tree stored as a delta against it) that was already entered at P has
// already been listed there (at P, by an earlier visit), so only the other entries are looked at. Consecutive
// versions of a directory are usually delta neighbours, so a version costs about its changes.
#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <mutex>
#include <thread>

#include "sources/history_index.hpp"
#include "sources/tree_store.hpp"

namespace dsnguard::sources {

namespace {

// A set of 64-bit keys other than UINT64_MAX: open addressing, linear probing (the walk's hot lookup).
class KeySet {
public:
  // True when `k` was not in the set (it is now).
  bool insert(std::uint64_t k)
  {
    if ((m_size + 1) * 2 > m_slots.size()) {
      grow();
    }
    std::size_t i = slot_of(k);
    while (m_slots[i] != k_empty) {
      if (m_slots[i] == k) {
        return false;
      }
      i = (i + 1) & (m_slots.size() - 1);
    }
    m_slots[i] = k;
    ++m_size;
    return true;
  }

  bool contains(std::uint64_t k) const
  {
    if (m_slots.empty()) {
      return false;
    }
    for (std::size_t i = slot_of(k); m_slots[i] != k_empty; i = (i + 1) & (m_slots.size() - 1)) {
      if (m_slots[i] == k) {
        return true;
      }
    }
    return false;
  }

private:
  static constexpr std::uint64_t k_empty = UINT64_MAX;
  std::size_t slot_of(std::uint64_t k) const
  {
    return static_cast<std::size_t>((k * 0x9e3779b97f4a7c15ull) >> m_shift);
  }
  void grow()
  {
    std::vector<std::uint64_t> old = std::move(m_slots);
    m_slots.assign(old.empty() ? 1024 : old.size() * 2, k_empty);
    m_shift = 64 - static_cast<unsigned>(std::countr_zero(m_slots.size()));
    m_size = 0;
    for (const std::uint64_t k : old) {
      if (k != k_empty) {
        insert(k);
      }
    }
  }
  std::vector<std::uint64_t> m_slots;
  std::size_t m_size = 0;
  unsigned m_shift = 64;
};

class FullWalk {
public:
  // add_place(blob, path, commit): `blob` is the store's blob index (TreeStore::blob_id).
  FullWalk(TreeStore& store, git_repository* repo, std::vector<std::string>& missing,
           const std::function<std::uint32_t(std::string_view)>& intern_path,
           const std::function<void(std::uint32_t, std::uint32_t, std::uint32_t)>& add_place)
      : m_store(store), m_repo(repo), m_missing(missing), m_intern_path(intern_path), m_add_place(add_place)
  {
  }

  std::string stats() const
  {
    return std::to_string(m_visits) + " tree visits, " + std::to_string(m_resolved) + " entries read, "
           + std::to_string(m_looked) + " new blob places";
  }

  void commit(const git_oid& root_tree, std::uint32_t commit)
  {
    m_commit = commit;
    enter(m_store.slot(root_tree), m_intern_path(""), "");
  }

private:
  static std::uint64_t key(std::uint32_t a, std::uint32_t b) { return (std::uint64_t{a} << 32) | b; }

  std::uint32_t path_of(std::uint32_t prefix_id, const std::string& prefix, std::uint32_t name)
  {
    const auto [it, fresh] = m_paths.try_emplace(key(prefix_id, name), 0);
    if (fresh) {
      it->second = m_intern_path(prefix + m_store.name(name));
    }
    return it->second;
  }

  using Ranges = std::vector<std::pair<std::uint32_t, std::uint32_t>>;

  // Sorts and merges overlapping or adjacent ranges.
  static void merge(Ranges& r)
  {
    std::sort(r.begin(), r.end());
    std::size_t n = 0;
    for (const auto& x : r) {
      if (n > 0 && x.first <= r[n - 1].second) {
        r[n - 1].second = std::max(r[n - 1].second, x.second);
      } else {
        r[n++] = x;
      }
    }
    r.resize(n);
  }

  // The entries of `slot` already listed at `prefix_id`, as sorted disjoint ranges: those it shares with its
  // delta base, its delta children and its siblings (trees with the same base) that were entered here.
  Ranges covered(std::uint32_t slot, std::uint32_t prefix_id)
  {
    Ranges out;
    for (const std::uint32_t child : m_store.children(slot)) {
      if (m_entered.contains(key(child, prefix_id))) {
        for (const auto& p : m_store.pieces(child)) {
          if (p.inherited()) {
            out.emplace_back(p.src, p.src + p.size());
          }
        }
      }
    }
    const std::uint32_t base = m_store.base(slot);
    if (base == TreeStore::k_none) {
      merge(out);
      return out;
    }
    const auto pieces = m_store.pieces(slot);
    if (m_entered.contains(key(base, prefix_id))) {
      for (const auto& p : pieces) {
        if (p.inherited()) {
          out.emplace_back(p.start, p.start + p.size());
        }
      }
      merge(out);
      return out;
    }
    // Siblings: the base's entries they inherit, mapped through this tree's inherited pieces.
    Ranges& shared = m_scratch;
    shared.clear();
    for (const std::uint32_t sibling : m_store.children(base)) {
      if (sibling != slot && m_entered.contains(key(sibling, prefix_id))) {
        for (const auto& p : m_store.pieces(sibling)) {
          if (p.inherited()) {
            shared.emplace_back(p.src, p.src + p.size());
          }
        }
      }
    }
    if (!shared.empty()) {
      merge(shared);
      for (const auto& p : pieces) {
        if (!p.inherited()) {
          continue;
        }
        auto m = std::upper_bound(shared.begin(), shared.end(), std::make_pair(p.src, UINT32_MAX));
        if (m != shared.begin()) {
          --m;
        }
        for (; m != shared.end() && m->first < p.src + p.size(); ++m) {
          const std::uint32_t a = std::max(m->first, p.src);
          const std::uint32_t b = std::min(m->second, p.src + p.size());
          if (a < b) {
            out.emplace_back(p.start + (a - p.src), p.start + (b - p.src));
          }
        }
      }
    }
    merge(out);
    return out;
  }

  void enter(std::uint32_t slot, std::uint32_t prefix_id, const std::string& prefix)
  {
    if (!m_entered.insert(key(slot, prefix_id))) {
      return;
    }
    if (!m_store.ensure(slot, m_repo)) {
      m_missing.push_back(oid_hex(m_store.tree_id(slot)));
      return;
    }
    ++m_visits;
    // Entries listed here already are skipped: their blobs were placed, their subtrees entered at their paths.
    Ranges cover = covered(slot, prefix_id);
    const std::uint32_t n = m_store.entry_count(slot);
    std::uint32_t covered_count = 0;
    for (const auto& [cb, ce] : cover) {
      covered_count += ce - cb;
    }
    cover.emplace_back(n, n);
    std::vector<std::uint32_t> todo;  // ids of the entries to look at, in tree order
    std::uint32_t from = 0;
    if (covered_count * 2 >= n) {
      for (const auto& [cb, ce] : cover) {
        if (from < cb) {
          m_store.entries(slot, from, cb, todo);
        }
        from = std::max(from, ce);
      }
      m_resolved += todo.size();
    } else {
      // Mostly unlike its entered delta neighbours (a whole tree, say): read it all and also skip what the last
      // tree read in full at this prefix had (usually the previous version of the directory).
      std::vector<std::uint32_t> ids;
      m_store.entries(slot, 0, n, ids);
      m_resolved += n;
      std::vector<std::uint32_t>& last = m_last[prefix_id];
      const std::uint32_t stamp = next_stamp();
      for (const std::uint32_t id : last) {
        m_stamp[id] = stamp;
      }
      for (const auto& [cb, ce] : cover) {
        for (std::uint32_t i = from; i < cb; ++i) {
          if (m_stamp[ids[i]] != stamp) {
            todo.push_back(ids[i]);
          }
        }
        from = std::max(from, ce);
      }
      last = std::move(ids);
    }
    std::string path;
    for (const std::uint32_t id : todo) {
      const TreeStore::Entry& e = m_store.entry(id);
      if (e.kind == TreeStore::Kind::blob) {
        if (!m_listed.insert(key(prefix_id, id))) {
          continue;  // this entry was listed here: same blob, same path
        }
        ++m_looked;
        m_add_place(e.target, path_of(prefix_id, prefix, e.name), m_commit);
      } else if (e.kind == TreeStore::Kind::tree) {
        const std::uint32_t path_id = path_of(prefix_id, prefix, e.name);
        path.assign(prefix).append(m_store.name(e.name)).push_back('/');
        enter(e.target, path_id, path);
      }
    }
  }

  // A fresh stamp for m_stamp (sized for every entry id).
  std::uint32_t next_stamp()
  {
    if (m_stamp.size() < m_store.entry_total()) {
      m_stamp.resize(m_store.entry_total(), 0);
    }
    if (++m_stamp_now == 0) {
      std::fill(m_stamp.begin(), m_stamp.end(), 0);
      m_stamp_now = 1;
    }
    return m_stamp_now;
  }

  TreeStore& m_store;
  git_repository* m_repo;
  std::vector<std::string>& m_missing;
  const std::function<std::uint32_t(std::string_view)>& m_intern_path;
  const std::function<void(std::uint32_t, std::uint32_t, std::uint32_t)>& m_add_place;
  std::uint32_t m_commit = 0;
  std::size_t m_visits = 0;    // (tree, prefix) pairs entered
  std::size_t m_resolved = 0;  // entries looked at (not skipped as shared with a delta neighbour)
  std::size_t m_looked = 0;    // blob entries not listed at their prefix before
  KeySet m_entered;                                   // tree slot << 32 | prefix path id
  KeySet m_listed;                                    // prefix << 32 | entry id of the blobs listed
  Ranges m_scratch;
  std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> m_last;  // prefix -> entries of a tree read in full
  std::vector<std::uint32_t> m_stamp;                                    // entry id -> stamp (membership in m_last)
  std::uint32_t m_stamp_now = 0;  // tree slot << 32 | prefix: its entries listed there
  std::unordered_map<std::uint64_t, std::uint32_t> m_paths;  // prefix path id << 32 | name id -> path id
};

}  // namespace

void HistoryIndex::split_walk(TreeStore& store, const CommitGraph& graph,
                              const std::function<void(std::uint32_t, std::uint32_t, std::uint32_t)>& place)
{
  // Each part (the commits before and from `middle`, in history order) is walked on its own thread as if it were
  // the whole history: the first lists exactly what the single walk lists for its commits; the second lists every
  // (blob, path) at its first place within the second part, which for the pairs the first part never met is their
  // first place in all of history, in the same order. So the first part's places followed by the second's, of
  // which dedupe_places() keeps the first of each pair, are the single walk's places. Paths are interned under a
  // lock; places are replayed in that order after both.
  struct Part {
    std::vector<std::array<std::uint32_t, 3>> places;  // (store blob, path, commit)
    std::vector<std::string> missing;                  // stays empty: every tree is loaded
  };
  std::mutex paths_mutex;
  const std::function<std::uint32_t(std::string_view)> intern = [&](std::string_view path) {
    const std::lock_guard<std::mutex> lock(paths_mutex);
    return intern_path(path);
  };
  const auto walk_part = [&](Part& part, std::size_t from, std::size_t to) {
    const std::function<void(std::uint32_t, std::uint32_t, std::uint32_t)> keep =
        [&part](std::uint32_t blob, std::uint32_t path, std::uint32_t commit) {
          part.places.push_back({blob, path, commit});
        };
    FullWalk walk(store, nullptr, part.missing, intern, keep);
    for (std::size_t i = from; i < to; ++i) {
      const std::uint32_t c = graph.order[i];
      walk.commit(graph.trees[c], c);
    }
  };
  // The split point, measured: 60% of the commits in the first part took the least time on both sqlalchemy (0.5:
  // 0.14 s, 0.6: 0.12 s, 0.7: 0.14 s) and git/git (0.96, 0.92, 1.24 s); the second part also lists its first
  // commit's tree in full.
  const std::size_t middle = graph.order.size() * 3 / 5;
  Part first;
  Part second;
  {
    std::jthread other([&] { walk_part(second, middle, graph.order.size()); });
    walk_part(first, 0, middle);
  }
  for (const auto* part : {&first, &second}) {
    for (const auto& [blob, path, commit] : part->places) {
      place(blob, path, commit);
    }
  }
}

void HistoryIndex::add_full(git_repository* repo, std::unique_ptr<TreeStore> trees, const CommitGraph& graph,
                            std::vector<std::string>& missing, unsigned threads, std::size_t split_commits)
{
  TreeStore& store = *trees;
  const bool timing = std::getenv("DSNGUARD_TIMING") != nullptr;
  const auto t0 = std::chrono::steady_clock::now();
  const auto since = [&t0] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  const auto peak_mb = [] {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024;
  };
  const auto now_mb = [] {
    long pages = 0;
    long resident = 0;
    if (FILE* f = std::fopen("/proc/self/statm", "r")) {
      if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) {
        resident = 0;
      }
      std::fclose(f);
    }
    return resident * 4 / 1024;
  };
  if (timing) {
    std::fprintf(stderr, "timing:   tree walk starts (%s), RSS %ld MB, peak %ld MB\n", store.stats().c_str(), now_mb(),
                 peak_mb());
  }
  {
    const std::function<std::uint32_t(std::string_view)> intern = [this](std::string_view path) {
      return intern_path(path);
    };
    // Blobs by the store's blob index: no id lookup per place (the store already told them apart).
    const bool first_listing = m_blobs.empty();
    m_blobs.reserve(m_blobs.size() + store.blob_count());
    std::vector<std::uint32_t> listed;  // store blob index -> index in m_blobs, UINT32_MAX when not yet
    const std::function<void(std::uint32_t, std::uint32_t, std::uint32_t)> place =
        [&](std::uint32_t blob, std::uint32_t path, std::uint32_t commit) {
          if (blob >= listed.size()) {
            listed.resize(store.blob_count(), UINT32_MAX);
          }
          std::uint32_t& index = listed[blob];
          if (index == UINT32_MAX) {
            if (first_listing) {
              index = static_cast<std::uint32_t>(m_blobs.size());
              m_blobs.push_back({store.blob_id(blob), path, commit});
            } else {
              index = blob_index(store.blob_id(blob), path, commit);
            }
          }
          m_places.push_back({index, path, commit});
        };
    const bool have_trees = graph.trees.size() == graph.ids.size();
    bool split = false;
    if (have_trees && first_listing && threads > 1 && graph.order.size() >= std::max<std::size_t>(2, split_commits)) {
      // Every root tree has its slot and every tree is loaded before the walks start: they only read the store.
      // With unreadable trees the single walk runs instead, reporting each where it meets it.
      for (const std::uint32_t c : graph.order) {
        store.slot(graph.trees[c]);
      }
      split = store.load_rest(repo) == 0;
    }
    if (split) {
      split_walk(store, graph, place);
      if (timing) {
        std::fprintf(stderr, "timing:   tree walk (two parts) %.3f s, RSS %ld MB, peak %ld MB\n", since(), now_mb(),
                     peak_mb());
      }
    } else {
      FullWalk walk(store, repo, missing, intern, place);
      for (const std::uint32_t c : graph.order) {
        if (have_trees) {
          walk.commit(graph.trees[c], c);
          continue;
        }
        git_commit* raw = nullptr;
        if (git_commit_lookup(&raw, repo, &graph.ids[c]) != 0) {
          missing.push_back(oid_hex(graph.ids[c]));
          continue;
        }
        const CommitPtr commit(raw);
        walk.commit(*git_commit_tree_id(commit.get()), c);
      }
      if (timing) {
        std::fprintf(stderr, "timing:   tree walk %.3f s (%s), RSS %ld MB, peak %ld MB\n", since(),
                     walk.stats().c_str(), now_mb(), peak_mb());
      }
    }
  }
  trees.reset();  // before the places are sorted
  dedupe_places();
  drop_blob_index();
}

}  // namespace dsnguard::sources
