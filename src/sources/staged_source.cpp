// make_staged_source(): what the next commit adds (HEAD tree vs the index git will commit). See reference
// git-hooks-and-ci.md section 3 for why the index named by GIT_INDEX_FILE matters.
#include "util/text.hpp"
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <unordered_map>

#include "sources/cache_tree.hpp"
#include "sources/commit_graph.hpp"
#include "sources/git_util.hpp"
#include "sources/line_diff.hpp"
#include "sources/sources.hpp"

namespace dsnguard::sources {

namespace {

constexpr std::size_t k_binary_probe = 8192;
constexpr const char* k_conflict_note = "the index has unmerged entries; they were not scanned (git refuses to commit them)";

// One index entry the next commit adds or changes.
struct Change {
  std::string path;
  git_oid id{};
  git_oid old_id{};  // the HEAD blob at the same path (or the rename source); zero when new
  bool has_old = false;
};

class StagedSource : public core::Source {
public:
  explicit StagedSource(StagedOptions options) : m_options(std::move(options)) {}

  core::Expected<void> for_each(core::FragmentSink& sink) override
  {
    DSNGUARD_TRY_ASSIGN(auto repo, open_repository(m_options.path));
    DSNGUARD_TRY_ASSIGN(m_index_path, index_path(repo.get()));
    TreePtr head_tree;
    if (git_repository_head_unborn(repo.get()) != 1) {
      git_object* raw = nullptr;
      if (git_revparse_single(&raw, repo.get(), "HEAD^{tree}") != 0) {
        return git_fail("cannot read HEAD's tree");
      }
      head_tree.reset(reinterpret_cast<git_tree*>(raw));
    }  // unborn HEAD (first commit): compare with nothing, every entry is added
    std::vector<Change> changes;
    IndexFile file = head_tree ? IndexFile::read(m_index_path) : IndexFile{};
    if (file.ok() && file.has_cache_tree()) {
      changes = changes_with_cache_tree(file, head_tree.get(), sink);
    } else {
      git_index* raw = nullptr;
      if (git_index_open(&raw, m_index_path.c_str()) != 0) {
        return git_fail("cannot read the index '" + m_index_path + "'");
      }
      const IndexPtr index(raw);
      if (git_index_has_conflicts(index.get()) == 1) {
        sink.note(k_conflict_note);
      }
      DSNGUARD_TRY_ASSIGN(changes, changes_with_diff(repo.get(), index.get(), head_tree.get(), sink));
    }
    for (const auto& c : changes) {
      if (scan_change(repo.get(), c, sink) == core::Visit::stop) {
        break;
      }
    }
    return {};
  }

private:
  // The index file the next commit is built from: GIT_INDEX_FILE when set, else $GIT_DIR/index.
  core::Expected<std::string> index_path(git_repository* repo) const
  {
    if (m_options.index_file.empty()) {
      return std::string(git_repository_path(repo)) + "index";
    }
    std::string file = m_options.index_file;
    if (file.front() != '/') {
      // git gives a relative GIT_INDEX_FILE relative to the hook's cwd (the work tree root).
      std::string base = m_options.cwd;
      if (base.empty()) {
        char buf[PATH_MAX];
        base = ::getcwd(buf, sizeof buf) != nullptr ? buf : ".";
      }
      file = base + "/" + file;
    }
    if (::access(file.c_str(), R_OK) != 0) {
      return core::fail(core::ErrorCode::io, "cannot read GIT_INDEX_FILE '" + file + "': " + std::strerror(errno));
    }
    return file;
  }

  // Fast path (what `git diff-index --cached` does): directories whose cache-tree id equals HEAD's tree there
  // are unchanged, and the index entries under them are skipped by count; only entries under invalidated
  // directories are compared with HEAD.
  std::vector<Change> changes_with_cache_tree(const IndexFile& index, git_tree* head, core::FragmentSink& sink)
  {
    // Directory -> how many index entries to skip (its cache-tree node is valid and matches HEAD), or 0.
    std::unordered_map<std::string, std::size_t> unchanged;
    // Called at the first entry under `dir` (position `first`): entries are sorted, so that directory's entries
    // are the range [first, first + entry_count). The range is checked, so a stale cache tree only costs speed.
    const auto skip_count = [&](const std::string& dir, std::size_t first) -> std::size_t {
      if (const auto it = unchanged.find(dir); it != unchanged.end()) {
        return it->second;
      }
      std::size_t count = 0;
      const auto node = index.tree(dir);
      if (node && node->entry_count > 0) {
        bool same = false;
        const git_oid* id = head_tree_id(head, dir);
        same = id != nullptr && git_oid_equal(&node->id, id) != 0;
        const auto n = static_cast<std::size_t>(node->entry_count);
        const std::string prefix = dir.empty() ? std::string() : dir + "/";
        const auto under = [&](std::size_t i) { return index.path(i).substr(0, prefix.size()) == prefix; };
        if (same && first + n <= index.size() && under(first + n - 1)
            && (first + n == index.size() || !under(first + n))) {
          count = n;
        }
      }
      unchanged.emplace(dir, count);
      return count;
    };
    std::vector<Change> changes;
    std::vector<std::string> changed_dirs;
    std::size_t i = 0;
    while (i < index.size()) {
      const IndexFileEntry e = index.entry(i);
      // The outermost unchanged ancestor decides; check from the root down.
      std::size_t skip = 0;
      std::size_t from = 0;
      for (;;) {
        const auto slash = e.path.find('/', from);
        const std::string dir(e.path.substr(0, from == 0 ? 0 : from - 1));
        skip = skip_count(dir, i);
        if (skip > 0) {
          break;
        }
        if (changed_dirs.empty() || changed_dirs.back() != dir) {
          changed_dirs.push_back(dir);
        }
        if (slash == std::string_view::npos) {
          break;
        }
        from = slash + 1;
      }
      if (skip > 0) {
        i += skip;
        continue;
      }
      consider(e, head, changes, sink);
      ++i;
    }
    if (index.has_conflicts()) {
      sink.note(k_conflict_note);
    }
    // Blobs HEAD has under the changed directories but the index no longer has: sources of renames.
    std::sort(changed_dirs.begin(), changed_dirs.end());
    changed_dirs.erase(std::unique(changed_dirs.begin(), changed_dirs.end()), changed_dirs.end());
    OidSet removed;
    for (const auto& dir : changed_dirs) {
      collect_removed(index, head, dir, removed);
    }
    drop_pure_moves(changes, removed);
    return changes;
  }

  // The id of HEAD's tree at directory `dir` ("" = root), or null when HEAD has no directory there. Read from
  // the parent's entry, so only directories whose children are asked about are loaded.
  const git_oid* head_tree_id(git_tree* head, const std::string& dir)
  {
    if (dir.empty()) {
      return git_tree_id(head);
    }
    const auto slash = dir.rfind('/');
    const git_tree* parent = head_subtree(head, slash == std::string::npos ? std::string() : dir.substr(0, slash));
    if (parent == nullptr) {
      return nullptr;
    }
    const git_tree_entry* e = git_tree_entry_byname(parent, dir.c_str() + (slash == std::string::npos ? 0 : slash + 1));
    return e != nullptr && git_tree_entry_type(e) == GIT_OBJECT_TREE ? git_tree_entry_id(e) : nullptr;
  }

  // HEAD's tree at directory `dir` ("" = root), or null when HEAD has no directory there; looked up once and kept.
  const git_tree* head_subtree(git_tree* head, const std::string& dir)
  {
    if (dir.empty()) {
      return head;
    }
    if (const auto it = m_subtrees.find(dir); it != m_subtrees.end()) {
      return it->second.get();
    }
    git_tree* found = nullptr;
    if (const git_oid* id = head_tree_id(head, dir); id != nullptr) {
      git_tree_lookup(&found, git_tree_owner(head), id);
    }
    return m_subtrees.emplace(dir, TreePtr(found)).first->second.get();
  }

  // Adds `e` to `changes` when HEAD lacks it or holds a different blob there.
  void consider(const IndexFileEntry& e, git_tree* head, std::vector<Change>& changes, core::FragmentSink& sink)
  {
    if (e.stage > 0 || e.intent_to_add) {
      return;  // unmerged (noted once) or `git add -N` (nothing staged yet)
    }
    Change c;
    c.path = std::string(e.path);
    c.id = e.id;
    if (head != nullptr) {
      if (git_tree_entry* t = nullptr; git_tree_entry_bypath(&t, head, c.path.c_str()) == 0) {
        const bool same = git_oid_equal(git_tree_entry_id(t), &e.id) != 0
                          && static_cast<std::uint32_t>(git_tree_entry_filemode(t)) == e.mode;
        if (git_tree_entry_type(t) == GIT_OBJECT_BLOB) {
          c.old_id = *git_tree_entry_id(t);
          c.has_old = true;
        }
        git_tree_entry_free(t);
        if (same) {
          return;
        }
      }
    }
    if (e.mode == GIT_FILEMODE_COMMIT) {
      sink.skipped({c.path, core::Skipped::Reason::submodule, "submodule commit is not scanned"});
      return;
    }
    changes.push_back(std::move(c));
  }

  void collect_removed(const IndexFile& index, git_tree* head, const std::string& dir, OidSet& removed)
  {
    TreePtr owned;
    git_tree* tree = head;
    if (!dir.empty()) {
      git_tree_entry* e = nullptr;
      if (git_tree_entry_bypath(&e, head, dir.c_str()) != 0) {
        return;
      }
      git_tree* raw = nullptr;
      const bool ok = git_tree_entry_type(e) == GIT_OBJECT_TREE
                      && git_tree_lookup(&raw, git_tree_owner(head), git_tree_entry_id(e)) == 0;
      git_tree_entry_free(e);
      if (!ok) {
        return;
      }
      owned.reset(raw);
      tree = raw;
    }
    const std::size_t n = git_tree_entrycount(tree);
    for (std::size_t i = 0; i < n; ++i) {
      const git_tree_entry* e = git_tree_entry_byindex(tree, i);
      const std::string full = dir.empty() ? git_tree_entry_name(e) : dir + "/" + git_tree_entry_name(e);
      if (git_tree_entry_type(e) == GIT_OBJECT_BLOB) {
        if (!index.has_path(full)) {
          removed.insert(*git_tree_entry_id(e));
        }
      } else if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
        if (!index.has_prefix(full + "/")) {
          collect_removed(index, head, full, removed);  // the whole directory is gone from the index
        }
      }
    }
  }

  // A new path whose blob HEAD had at a path the index dropped is a move: it adds no content.
  static void drop_pure_moves(std::vector<Change>& changes, const OidSet& removed)
  {
    changes.erase(std::remove_if(changes.begin(), changes.end(),
                                 [&](const Change& c) { return !c.has_old && removed.count(c.id) != 0; }),
                  changes.end());
  }

  // Fallback when the index reader declines the file (index_entries.hpp), the index has no cache tree, or HEAD is
  // unborn: libgit2's tree-to-index diff (libgit2 then reads the index, and gives its error if it refuses it).
  core::Expected<std::vector<Change>> changes_with_diff(git_repository* repo, git_index* index, git_tree* head,
                                                        core::FragmentSink& sink)
  {
    git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
    opts.flags = GIT_DIFF_INCLUDE_TYPECHANGE | GIT_DIFF_SKIP_BINARY_CHECK;
    git_diff* raw_diff = nullptr;
    if (git_diff_tree_to_index(&raw_diff, repo, head, index, &opts) != 0) {
      return git_fail("cannot compare HEAD with the index");
    }
    const DiffPtr diff(raw_diff);
    git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
    find.flags = GIT_DIFF_FIND_RENAMES | GIT_DIFF_FIND_EXACT_MATCH_ONLY;
    git_diff_find_similar(diff.get(), &find);
    std::vector<Change> changes;
    const std::size_t n = git_diff_num_deltas(diff.get());
    for (std::size_t i = 0; i < n; ++i) {
      const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
      if (d->status != GIT_DELTA_ADDED && d->status != GIT_DELTA_MODIFIED && d->status != GIT_DELTA_RENAMED
          && d->status != GIT_DELTA_COPIED && d->status != GIT_DELTA_TYPECHANGE) {
        continue;  // deleted, unmodified, conflicted
      }
      if (d->status == GIT_DELTA_RENAMED && git_oid_equal(&d->old_file.id, &d->new_file.id) != 0) {
        continue;  // pure move
      }
      const git_index_entry* e = git_index_get_bypath(index, d->new_file.path, 0);
      if (e != nullptr && (e->flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD) != 0) {
        continue;
      }
      if (d->new_file.mode == GIT_FILEMODE_COMMIT) {
        sink.skipped({d->new_file.path, core::Skipped::Reason::submodule, "submodule commit is not scanned"});
        continue;
      }
      Change c;
      c.path = d->new_file.path;
      c.id = d->new_file.id;
      if (d->status != GIT_DELTA_ADDED && d->status != GIT_DELTA_COPIED && d->old_file.mode != GIT_FILEMODE_COMMIT
          && d->old_file.mode != 0) {
        c.old_id = d->old_file.id;
        c.has_old = true;
      }
      changes.push_back(std::move(c));
    }
    return changes;
  }

  core::Visit scan_change(git_repository* repo, const Change& c, core::FragmentSink& sink)
  {
    git_blob* raw_blob = nullptr;
    if (git_blob_lookup(&raw_blob, repo, &c.id) != 0) {
      sink.skipped({oid_hex(c.id), core::Skipped::Reason::missing_object, "staged blob of " + c.path});
      return core::Visit::next;
    }
    const BlobPtr blob(raw_blob);
    const auto size = static_cast<std::uint64_t>(git_blob_rawsize(blob.get()));
    if (size > m_options.max_file_size) {
      sink.skipped({c.path, core::Skipped::Reason::too_large,
                    std::to_string(size) + " bytes > --max-file-size " + std::to_string(m_options.max_file_size)});
      return core::Visit::next;
    }
    const auto* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
    std::size_t text_size = static_cast<std::size_t>(size);
    std::string utf8;  // UTF-16 blobs are scanned as their UTF-8 text
    util::utf8_view_of_utf16(data, text_size, utf8);
    if (std::memchr(data, '\0', std::min<std::size_t>(text_size, k_binary_probe)) != nullptr) {
      sink.skipped({c.path, core::Skipped::Reason::binary, "staged blob " + oid_hex(c.id)});
      return core::Visit::next;
    }
    std::vector<core::LineRange> lines;
    core::Fragment fragment;
    fragment.bytes = std::string_view(data, text_size);
    fragment.origin.path = c.path;
    fragment.origin.kind = core::OriginKind::staged;
    fragment.origin.blob = oid_hex(c.id);
    if (c.has_old) {
      git_blob* raw_old = nullptr;
      if (git_blob_lookup(&raw_old, repo, &c.old_id) == 0) {
        const BlobPtr old(raw_old);
        lines = added_lines(std::string_view(static_cast<const char*>(git_blob_rawcontent(old.get())),
                                             static_cast<std::size_t>(git_blob_rawsize(old.get()))),
                            fragment.bytes);
        fragment.added_lines = &lines;
      }
    }
    return sink.fragment(fragment);
  }

  StagedOptions m_options;
  std::string m_index_path;
  std::unordered_map<std::string, TreePtr> m_subtrees;  // head_subtree() results, by directory
};

}  // namespace

core::Expected<std::unique_ptr<core::Source>> make_staged_source(const StagedOptions& options)
{
  return std::unique_ptr<core::Source>(new StagedSource(options));
}

}  // namespace dsnguard::sources
