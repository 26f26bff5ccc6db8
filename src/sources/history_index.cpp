#include "sources/history_index.hpp"

#include <algorithm>
#include <climits>
#include <optional>

namespace dsnguard::sources {

std::uint32_t HistoryIndex::intern_path(std::string_view path)
{
  const auto [it, fresh] = m_path_index.try_emplace(std::string(path), static_cast<std::uint32_t>(m_paths.size()));
  if (fresh) {
    m_paths.emplace_back(path);
  }
  return it->second;
}

void HistoryIndex::build_blob_index()
{
  if (m_blob_index.size() < m_blobs.size()) {
    for (std::uint32_t i = 0; i < m_blobs.size(); ++i) {
      m_blob_index.emplace(m_blobs[i].id, i);
    }
  }
}

std::uint32_t HistoryIndex::blob_index(const git_oid& id, std::uint32_t path, std::uint32_t commit)
{
  build_blob_index();
  const auto [it, fresh] = m_blob_index.try_emplace(id, static_cast<std::uint32_t>(m_blobs.size()));
  if (fresh) {
    m_blobs.push_back({id, path, commit});
  }
  return it->second;
}

void HistoryIndex::add_place(const git_oid& blob, std::uint32_t path, std::uint32_t commit)
{
  m_places.push_back({blob_index(blob, path, commit), path, commit});
}

void HistoryIndex::dedupe_places()
{
  // Sort (blob << 32 | path) keys with their positions, mark all but the first of each key, compact in order.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> keys(m_places.size());
  for (std::uint32_t i = 0; i < m_places.size(); ++i) {
    keys[i] = {(std::uint64_t{m_places[i].blob} << 32) | m_places[i].path, i};
  }
  std::sort(keys.begin(), keys.end());
  std::vector<bool> drop(m_places.size(), false);
  for (std::size_t i = 1; i < keys.size(); ++i) {
    if (keys[i].first == keys[i - 1].first) {
      drop[keys[i].second] = true;
    }
  }
  std::vector<std::pair<std::uint64_t, std::uint32_t>>().swap(keys);
  std::size_t n = 0;
  for (std::size_t i = 0; i < m_places.size(); ++i) {
    if (!drop[i]) {
      m_places[n++] = m_places[i];
    }
  }
  m_places.resize(n);
  m_places.shrink_to_fit();
  m_places_of.clear();
  m_blob_at_first_place.clear();
  m_first_blob.clear();
}

void HistoryIndex::drop_blob_index()
{
  OidMap<std::uint32_t>().swap(m_blob_index);
}

const std::vector<core::LineRange>* HistoryIndex::added_lines(std::uint32_t blob) const
{
  const auto it = m_added_lines.find(blob);
  return it == m_added_lines.end() ? nullptr : &it->second;
}

namespace {

// (path -> new blob id) of the entries added or modified from `old_tree` (may be null) to `new_tree`.
bool changed_blobs(git_repository* repo, git_tree* old_tree, git_tree* new_tree,
                   std::unordered_map<std::string, git_oid>& out, DiffPtr* keep_diff)
{
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.flags = GIT_DIFF_SKIP_BINARY_CHECK;
  opts.context_lines = 0;
  git_diff* raw = nullptr;
  if (git_diff_tree_to_tree(&raw, repo, old_tree, new_tree, &opts) != 0) {
    return false;
  }
  DiffPtr diff(raw);
  const std::size_t n = git_diff_num_deltas(diff.get());
  for (std::size_t i = 0; i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
    const bool adds = d->status == GIT_DELTA_ADDED || d->status == GIT_DELTA_MODIFIED
                      || d->status == GIT_DELTA_TYPECHANGE;
    if (adds && d->new_file.mode != GIT_FILEMODE_COMMIT && d->new_file.mode != 0) {
      out.emplace(d->new_file.path, d->new_file.id);
    }
  }
  if (keep_diff != nullptr) {
    *keep_diff = std::move(diff);
  }
  return true;
}

// Lines of `path` added by `diff` (context 0), or nullopt when the file is new (every line counts).
std::optional<std::vector<core::LineRange>> lines_added(git_diff* diff, const std::string& path)
{
  const std::size_t n = git_diff_num_deltas(diff);
  for (std::size_t i = 0; i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff, i);
    if (path != d->new_file.path) {
      continue;
    }
    if (d->status == GIT_DELTA_ADDED) {
      return std::nullopt;
    }
    git_patch* raw = nullptr;
    if (git_patch_from_diff(&raw, diff, i) != 0 || raw == nullptr) {
      return std::nullopt;  // cannot tell: scan the whole blob rather than miss something
    }
    const PatchPtr patch(raw);
    std::vector<core::LineRange> out;
    const std::size_t hunks = git_patch_num_hunks(patch.get());
    for (std::size_t h = 0; h < hunks; ++h) {
      const git_diff_hunk* hunk = nullptr;
      std::size_t lines = 0;
      if (git_patch_get_hunk(&hunk, &lines, patch.get(), h) == 0 && hunk->new_lines > 0) {
        out.push_back({static_cast<std::uint32_t>(hunk->new_start),
                       static_cast<std::uint32_t>(hunk->new_start + hunk->new_lines - 1)});
      }
    }
    return out;
  }
  return std::nullopt;
}

}  // namespace

void HistoryIndex::add_introduced(git_repository* repo, const CommitGraph& graph, bool line_filter,
                                  std::vector<std::string>& missing)
{
  for (const std::uint32_t c : graph.order) {
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, repo, &graph.ids[c]) != 0) {
      missing.push_back(oid_hex(graph.ids[c]));
      continue;
    }
    const CommitPtr commit(raw);
    git_tree* raw_tree = nullptr;
    if (git_commit_tree(&raw_tree, commit.get()) != 0) {
      missing.push_back(oid_hex(*git_commit_tree_id(commit.get())));
      continue;
    }
    const TreePtr tree(raw_tree);
    // Parents that exist locally (a shallow boundary has none: its whole tree counts as introduced).
    std::vector<TreePtr> parent_trees;
    const unsigned np = git_commit_parentcount(commit.get());
    for (unsigned i = 0; i < np; ++i) {
      git_commit* raw_parent = nullptr;
      if (git_commit_parent(&raw_parent, commit.get(), i) != 0) {
        continue;
      }
      const CommitPtr parent(raw_parent);
      git_tree* raw_ptree = nullptr;
      if (git_commit_tree(&raw_ptree, parent.get()) == 0) {
        parent_trees.emplace_back(raw_ptree);
      }
    }
    std::unordered_map<std::string, git_oid> introduced;
    DiffPtr first_diff;
    if (parent_trees.empty()) {
      changed_blobs(repo, nullptr, tree.get(), introduced, &first_diff);
    } else {
      changed_blobs(repo, parent_trees[0].get(), tree.get(), introduced, &first_diff);
      // A merge introduces only what differs from every parent (conflict resolutions, evil merges).
      for (std::size_t p = 1; p < parent_trees.size() && !introduced.empty(); ++p) {
        std::unordered_map<std::string, git_oid> other;
        changed_blobs(repo, parent_trees[p].get(), tree.get(), other, nullptr);
        for (auto it = introduced.begin(); it != introduced.end();) {
          it = other.count(it->first) ? std::next(it) : introduced.erase(it);
        }
      }
    }
    std::vector<std::pair<std::string, git_oid>> sorted(introduced.begin(), introduced.end());
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [path, blob] : sorted) {
      const std::size_t before = m_blobs.size();
      add_place(blob, intern_path(path), c);
      if (m_blobs.size() > before && line_filter && first_diff) {
        if (auto lines = lines_added(first_diff.get(), path)) {
          m_added_lines.emplace(static_cast<std::uint32_t>(before), std::move(*lines));
        }
      }
    }
  }
  dedupe_places();
  drop_blob_index();
}

void HistoryIndex::add_unreachable(git_repository* repo)
{
  git_odb* raw = nullptr;
  if (git_repository_odb(&raw, repo) != 0) {
    return;
  }
  const OdbPtr odb(raw);
  struct Ctx {
    HistoryIndex* self;
    git_odb* odb;
    std::uint32_t no_path;
  } ctx{this, odb.get(), intern_path("")};
  build_blob_index();
  git_odb_foreach(
      odb.get(),
      [](const git_oid* id, void* payload) -> int {
        auto* c = static_cast<Ctx*>(payload);
        if (c->self->m_blob_index.count(*id)) {
          return 0;
        }
        std::size_t size = 0;
        git_object_t type = GIT_OBJECT_INVALID;
        if (git_odb_read_header(&size, &type, c->odb, id) == 0 && type == GIT_OBJECT_BLOB) {
          c->self->add_place(*id, c->no_path, UINT32_MAX);
          ++c->self->m_unreachable;
        }
        return 0;
      },
      &ctx);
  dedupe_places();
  drop_blob_index();
}

long HistoryIndex::find(const std::string& path, const std::string& commit_hex, const CommitGraph& graph)
{
  const auto p = m_path_index.find(path);
  if (p == m_path_index.end()) {
    return -1;
  }
  git_oid commit{};
  if (git_oid_fromstrn(&commit, commit_hex.c_str(), commit_hex.size()) != 0) {
    return -1;
  }
  const auto c = graph.index.find(commit);
  if (c == graph.index.end()) {
    return -1;
  }
  const std::uint64_t key = (std::uint64_t{p->second} << 32) | c->second;
  // A commit's tree holds one blob per path, so both maps agree wherever both have the key.
  if (m_blob_at_first_place.empty()) {
    // A sorted array: built in one sort (tens of thousands of findings look blobs up once each).
    m_blob_at_first_place.reserve(m_blobs.size());
    for (std::uint32_t b = 0; b < m_blobs.size(); ++b) {
      if (m_blobs[b].commit < graph.ids.size()) {
        m_blob_at_first_place.emplace_back((std::uint64_t{m_blobs[b].path} << 32) | m_blobs[b].commit, b);
      }
    }
    std::sort(m_blob_at_first_place.begin(), m_blob_at_first_place.end());
  }
  // The lowest blob index with that key (as the first one inserted in a map would be).
  if (const auto it = std::lower_bound(m_blob_at_first_place.begin(), m_blob_at_first_place.end(),
                                       std::make_pair(key, std::uint32_t{0}));
      it != m_blob_at_first_place.end() && it->first == key) {
    return static_cast<long>(it->second);
  }
  if (m_first_blob.empty()) {
    for (const auto& place : m_places) {
      if (place.commit < graph.ids.size()) {
        m_first_blob.try_emplace((std::uint64_t{place.path} << 32) | place.commit, place.blob);  // keeps the first
      }
    }
  }
  const auto it = m_first_blob.find(key);
  return it == m_first_blob.end() ? -1 : static_cast<long>(it->second);
}

const std::vector<std::uint32_t>& HistoryIndex::places_of(std::uint32_t blob)
{
  if (m_places_of.empty()) {
    m_places_of.resize(m_blobs.size());
    for (std::uint32_t i = 0; i < m_places.size(); ++i) {
      m_places_of[m_places[i].blob].push_back(i);
    }
  }
  return m_places_of[blob];
}

}  // namespace dsnguard::sources
