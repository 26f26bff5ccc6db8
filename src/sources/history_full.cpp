// HistoryIndex::add_full: every (blob, path) of every commit's tree, with the first commit (history order) that
// had it. Trees come from the pack reader (each inflated once along its delta chain, on several threads) instead
// of one libgit2 lookup per tree, which re-resolves delta chains through a small cache.
//
// Two passes over the packed trees keep memory small (a repository's trees inflate to hundreds of MB):
//  1. keep only each tree's subtree entries; walk the commits in history order over them, exactly like a
//     recursive tree walk (each (tree, path prefix) once), numbering the visits;
//  2. read the trees again and, for each visit of a tree, turn its blob entries into (blob, path) candidates
//     keyed by the position the recursive walk would have reached them at; the earliest key per pair wins.
// Replaying the candidates in key order gives the same blobs, places and order as the recursive walk.
// Trees missing from the packs (loose objects) are read through libgit2.
#include <algorithm>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <tuple>

#include "sources/history_index.hpp"
#include "sources/pack_reader.hpp"

namespace dsnguard::sources {

namespace {

struct RawEntry {
  std::uint32_t index = 0;  // position in the tree
  std::string_view name;
  git_oid id{};
  bool tree = false;
};

// Parses git's tree format into blob and tree entries (gitlinks skipped, as libgit2 types them commits). False on
// malformed data (then libgit2 decides).
bool parse_tree(const char* data, std::size_t size, std::vector<RawEntry>& out)
{
  out.clear();
  const char* p = data;
  const char* end = data + size;
  std::uint32_t index = 0;
  while (p < end) {
    unsigned mode = 0;
    const char* q = p;
    while (q < end && *q >= '0' && *q <= '7') {
      mode = mode * 8 + static_cast<unsigned>(*q - '0');
      ++q;
    }
    if (q == p || q >= end || *q != ' ') {
      return false;
    }
    const char* name = q + 1;
    const char* nul = static_cast<const char*>(std::memchr(name, '\0', static_cast<std::size_t>(end - name)));
    if (nul == nullptr || nul == name || end - nul < 21) {
      return false;
    }
    const unsigned kind = mode & 0170000u;
    if (kind != 0160000u) {
      RawEntry e;
      e.index = index;
      e.name = std::string_view(name, static_cast<std::size_t>(nul - name));
      git_oid_fromraw(&e.id, reinterpret_cast<const unsigned char*>(nul + 1));
      e.tree = kind == 0040000u;
      out.push_back(e);
    }
    ++index;
    p = nul + 21;
  }
  return true;
}

struct Sub {
  std::uint32_t index = 0;  // entry position in the tree
  std::uint32_t name = 0;
  std::uint32_t tree = 0;   // tree slot
};

// A blob entry of a tree read through libgit2.
struct LooseBlob {
  std::uint32_t index = 0;
  std::uint32_t name = 0;
  git_oid id{};
};

struct TreeInfo {
  git_oid id{};
  bool loaded = false;
  bool loose = false;  // read through libgit2: blob entries are in `loose_blobs`
  std::uint32_t first_sub = 0;
  std::uint32_t subs = 0;
  std::uint32_t first_loose = 0;
  std::uint32_t loose_count = 0;
  std::vector<std::uint32_t> visits;
};

// One (tree, prefix) the recursive walk enters.
struct Visit {
  std::uint32_t tree = 0;
  std::uint32_t prefix = 0;  // path id of the directory ("" for the root)
  std::uint32_t commit = 0;
  std::uint32_t seq = 0;     // visits started before and including this one
  std::uint32_t depth = 0;
  std::uint32_t first_gap = 0;
  std::uint32_t gaps = 0;
};

// After the subtree at entry `index` of a visit, the walk has started `last` visits.
struct Gap {
  std::uint32_t index = 0;
  std::uint32_t last = 0;
};

// The position of a blob entry in the recursive walk: the last visit started before it, deeper visits first (a
// directory's remaining entries come after its subtree's), then the entry position.
struct Key {
  std::uint32_t last = 0;
  std::uint32_t depth = 0;
  std::uint32_t index = 0;
  bool operator<(const Key& o) const
  {
    return std::tie(last, o.depth, index) < std::tie(o.last, depth, o.index);
  }
};

struct Candidate {
  git_oid blob{};
  std::uint32_t path = 0;
  std::uint32_t commit = 0;
  Key key;
};

struct PlaceKey {
  git_oid blob;
  std::uint32_t path;
  bool operator==(const PlaceKey& o) const { return path == o.path && git_oid_equal(&blob, &o.blob) != 0; }
};
struct PlaceKeyHash {
  std::size_t operator()(const PlaceKey& k) const noexcept
  {
    return OidHash{}(k.blob) ^ (std::size_t{k.path} * 0x9e3779b97f4a7c15ull);
  }
};

class FullLister {
public:
  FullLister(git_repository* repo, std::string git_dir, unsigned threads, const CommitGraph& graph)
      : m_repo(repo), m_git_dir(std::move(git_dir)), m_threads(threads), m_graph(graph)
  {
  }

  // Pass 1 + the walk.
  template <typename Intern, typename Seen>
  void walk(std::vector<std::string>& missing, const Intern& intern_path, const Seen& first_visit)
  {
    read_pack_trees(m_git_dir, m_threads, [this](const git_oid& id, const char* data, std::size_t size) {
      std::vector<RawEntry>& entries = scratch();
      if (!parse_tree(data, size, entries)) {
        return true;
      }
      const std::lock_guard<std::mutex> lock(m_mutex);
      const std::uint32_t slot = tree_slot(id);
      if (m_trees[slot].loaded) {
        return true;
      }
      m_trees[slot].loaded = true;
      m_trees[slot].first_sub = static_cast<std::uint32_t>(m_subs.size());
      for (const auto& e : entries) {
        if (e.tree) {
          const std::uint32_t name = intern_name(e.name);
          m_subs.push_back({e.index, name, tree_slot(e.id)});
        }
      }
      m_trees[slot].subs = static_cast<std::uint32_t>(m_subs.size()) - m_trees[slot].first_sub;
      return true;
    });
    const std::uint32_t root = intern_path("");
    for (const std::uint32_t c : m_graph.order) {
      git_commit* raw = nullptr;
      if (git_commit_lookup(&raw, m_repo, &m_graph.ids[c]) != 0) {
        missing.push_back(oid_hex(m_graph.ids[c]));
        continue;
      }
      const CommitPtr commit(raw);
      const std::uint32_t tree = tree_slot(*git_commit_tree_id(commit.get()));
      enter(tree, "", root, c, 0, missing, intern_path, first_visit);
    }
  }

  // Pass 2: candidates in walk order.
  template <typename Intern>
  std::vector<Candidate> places(const Intern& intern_path)
  {
    std::unordered_map<PlaceKey, Candidate, PlaceKeyHash> best;
    std::unordered_map<std::uint64_t, std::uint32_t> path_of;  // prefix id << 32 | name id -> path id
    const auto emit = [&](const Visit& v, std::uint32_t index, std::string_view name, const git_oid& blob) {
      const std::uint32_t name_id = intern_name(name);
      const std::uint64_t pk = (std::uint64_t{v.prefix} << 32) | name_id;
      auto pit = path_of.find(pk);
      if (pit == path_of.end()) {
        pit = path_of.emplace(pk, intern_path(m_prefix[v.prefix] + std::string(name))).first;
      }
      Key key{v.seq, v.depth, index};
      for (std::uint32_t g = 0; g < v.gaps; ++g) {
        const Gap& gap = m_gaps[v.first_gap + g];
        if (gap.index >= index) {
          break;
        }
        key.last = gap.last;
      }
      const auto [it, fresh] = best.try_emplace(PlaceKey{blob, pit->second}, Candidate{blob, pit->second, v.commit, key});
      if (!fresh && key < it->second.key) {
        it->second.commit = v.commit;
        it->second.key = key;
      }
    };
    read_pack_trees(m_git_dir, m_threads, [&](const git_oid& id, const char* data, std::size_t size) {
      const auto found = m_slot.find(id);  // read-only now: no lock needed
      if (found == m_slot.end() || m_trees[found->second].visits.empty() || m_trees[found->second].loose) {
        return true;
      }
      std::vector<RawEntry>& entries = scratch();
      if (!parse_tree(data, size, entries)) {
        return true;
      }
      const std::lock_guard<std::mutex> lock(m_mutex);
      for (const std::uint32_t v : m_trees[found->second].visits) {
        for (const auto& e : entries) {
          if (!e.tree) {
            emit(m_visits[v], e.index, e.name, e.id);
          }
        }
      }
      return true;
    });
    for (const auto& t : m_trees) {
      if (!t.loose) {
        continue;
      }
      for (const std::uint32_t v : t.visits) {
        for (std::uint32_t i = 0; i < t.loose_count; ++i) {
          const LooseBlob& b = m_loose[t.first_loose + i];
          emit(m_visits[v], b.index, m_names[b.name], b.id);
        }
      }
    }
    std::vector<Candidate> out;
    out.reserve(best.size());
    for (auto& [k, c] : best) {
      out.push_back(c);
    }
    std::sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) { return a.key < b.key; });
    return out;
  }

private:
  std::vector<RawEntry>& scratch()
  {
    thread_local std::vector<RawEntry> entries;
    return entries;
  }

  std::uint32_t tree_slot(const git_oid& id)
  {
    const auto [it, fresh] = m_slot.try_emplace(id, static_cast<std::uint32_t>(m_trees.size()));
    if (fresh) {
      m_trees.emplace_back();
      m_trees.back().id = id;
    }
    return it->second;
  }

  std::uint32_t intern_name(std::string_view name)
  {
    const auto it = m_name_index.find(name);
    if (it != m_name_index.end()) {
      return it->second;
    }
    m_names.emplace_back(name);
    const auto id = static_cast<std::uint32_t>(m_names.size() - 1);
    m_name_index.emplace(m_names.back(), id);
    return id;
  }

  // A tree the packs did not hold: read it through libgit2. False when it cannot be read.
  bool load_loose(std::uint32_t slot)
  {
    git_tree* raw = nullptr;
    const git_oid id = m_trees[slot].id;
    if (git_tree_lookup(&raw, m_repo, &id) != 0) {
      return false;
    }
    const TreePtr tree(raw);
    const auto first_sub = static_cast<std::uint32_t>(m_subs.size());
    const auto first_loose = static_cast<std::uint32_t>(m_loose.size());
    const std::size_t n = git_tree_entrycount(tree.get());
    for (std::size_t i = 0; i < n; ++i) {
      const git_tree_entry* e = git_tree_entry_byindex(tree.get(), i);
      const std::uint32_t name = intern_name(git_tree_entry_name(e));
      const auto index = static_cast<std::uint32_t>(i);
      switch (git_tree_entry_type(e)) {
      case GIT_OBJECT_BLOB: m_loose.push_back({index, name, *git_tree_entry_id(e)}); break;
      case GIT_OBJECT_TREE: {
        const std::uint32_t child = tree_slot(*git_tree_entry_id(e));  // may reallocate m_trees
        m_subs.push_back({index, name, child});
        break;
      }
      default: break;
      }
    }
    TreeInfo& t = m_trees[slot];
    t.loaded = true;
    t.loose = true;
    t.first_sub = first_sub;
    t.subs = static_cast<std::uint32_t>(m_subs.size()) - first_sub;
    t.first_loose = first_loose;
    t.loose_count = static_cast<std::uint32_t>(m_loose.size()) - first_loose;
    return true;
  }

  template <typename Intern, typename Seen>
  void enter(std::uint32_t slot, const std::string& prefix, std::uint32_t prefix_id, std::uint32_t commit,
             std::uint32_t depth, std::vector<std::string>& missing, const Intern& intern_path,
             const Seen& first_visit)
  {
    if (!first_visit(m_trees[slot].id, prefix_id)) {
      return;
    }
    if (!m_trees[slot].loaded && !load_loose(slot)) {
      missing.push_back(oid_hex(m_trees[slot].id));
      return;
    }
    if (m_prefix.size() <= prefix_id) {
      m_prefix.resize(prefix_id + 1);
    }
    m_prefix[prefix_id] = prefix;
    const auto v = static_cast<std::uint32_t>(m_visits.size());
    m_visits.push_back({slot, prefix_id, commit, ++m_seq, depth, 0, 0});
    m_trees[slot].visits.push_back(v);
    std::vector<Gap> gaps;
    const std::uint32_t first = m_trees[slot].first_sub;
    const std::uint32_t count = m_trees[slot].subs;
    std::string path;
    for (std::uint32_t s = 0; s < count; ++s) {
      const Sub sub = m_subs[first + s];
      path.assign(prefix).append(m_names[sub.name]);
      const std::uint32_t id = intern_path(path);
      path.push_back('/');
      enter(sub.tree, path, id, commit, depth + 1, missing, intern_path, first_visit);
      gaps.push_back({sub.index, m_seq});
    }
    m_visits[v].first_gap = static_cast<std::uint32_t>(m_gaps.size());
    m_visits[v].gaps = static_cast<std::uint32_t>(gaps.size());
    m_gaps.insert(m_gaps.end(), gaps.begin(), gaps.end());
  }

  git_repository* m_repo;
  std::string m_git_dir;
  unsigned m_threads;
  const CommitGraph& m_graph;
  std::mutex m_mutex;
  OidMap<std::uint32_t> m_slot;
  std::vector<TreeInfo> m_trees;
  std::vector<Sub> m_subs;
  std::vector<LooseBlob> m_loose;
  std::deque<std::string> m_names;  // stable: m_name_index views them
  std::unordered_map<std::string_view, std::uint32_t> m_name_index;
  std::vector<Visit> m_visits;
  std::vector<Gap> m_gaps;
  std::vector<std::string> m_prefix;  // path id of a directory -> "dir/sub/" (only for visited prefixes)
  std::uint32_t m_seq = 0;
};

}  // namespace

void HistoryIndex::add_full(git_repository* repo, const std::string& git_dir, unsigned threads,
                            const CommitGraph& graph, std::vector<std::string>& missing)
{
  threads = threads != 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
  FullLister lister(repo, git_dir, threads, graph);
  const auto intern = [this](std::string_view path) { return intern_path(path); };
  const auto first_visit = [this](const git_oid& tree, std::uint32_t prefix) {
    return m_trees_seen.insert(TreeKey{tree, prefix}).second;
  };
  lister.walk(missing, intern, first_visit);
  for (const auto& c : lister.places(intern)) {
    add_place(c.blob, c.path, c.commit);
  }
  m_trees_seen.clear();
}

}  // namespace dsnguard::sources
