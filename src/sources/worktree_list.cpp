// Which files a worktree scan covers: git index + status, or a plain directory walk.
#include <dirent.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <string_view>
#include <unordered_set>

#include "sources/git_util.hpp"
#include "sources/index_entries.hpp"
#include "sources/worktree_walk.hpp"

namespace dsnguard::sources {

bool under_prefix(std::string_view rel, std::string_view prefix)
{
  if (prefix.empty() || rel == prefix) {
    return true;
  }
  return rel.size() > prefix.size() && rel.compare(0, prefix.size(), prefix) == 0 && rel[prefix.size()] == '/';
}

namespace {

// Walks the work tree for files the index does not know, pruning ignored and nested-repository directories.
// Only untracked entries cost an ignore lookup; tracked directories are entered without one (like git).
class UntrackedWalk {
public:
  UntrackedWalk(git_repository* repo, const std::string& root, FileList& list) : m_repo(repo), m_root(root), m_list(list)
  {
  }

  void add_tracked(std::string_view path)
  {
    m_tracked.insert(path);
    for (auto slash = path.rfind('/'); slash != std::string_view::npos; slash = path.rfind('/', slash - 1)) {
      if (!m_tracked_dirs.insert(path.substr(0, slash)).second || slash == 0) {
        break;  // this prefix (and so all shorter ones) is already known
      }
    }
  }

  void walk(const std::string& rel)
  {
    const std::string dir = rel.empty() ? m_root : m_root + "/" + rel;
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) {
      // Tracked files under an unreadable tracked directory report themselves when read.
      if (!m_tracked_dirs.count(rel)) {
        m_list.skipped.push_back({rel.empty() ? "." : rel, core::Skipped::Reason::unreadable, std::strerror(errno)});
      }
      return;
    }
    std::vector<std::string> subdirs;
    while (const dirent* e = ::readdir(d)) {
      const std::string_view name = e->d_name;
      if (name == "." || name == ".." || name == ".git") {
        continue;
      }
      std::string child = rel.empty() ? std::string(name) : rel + "/" + std::string(name);
      if (m_tracked.count(child)) {
        continue;  // listed from the index (files, symlinks, gitlinks)
      }
      unsigned char type = e->d_type;
      if (type == DT_UNKNOWN) {
        struct stat st {};
        if (::lstat((m_root + "/" + child).c_str(), &st) != 0) {
          continue;
        }
        type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : S_ISLNK(st.st_mode) ? DT_LNK : DT_FIFO;
      }
      if (type == DT_DIR) {
        if (m_tracked_dirs.count(child)) {
          subdirs.push_back(std::move(child));
        } else if (!ignored(child)) {
          struct stat st {};
          if (::lstat((m_root + "/" + child + "/.git").c_str(), &st) == 0) {
            m_list.skipped.push_back({std::move(child), core::Skipped::Reason::submodule,
                                      "nested repository is not entered"});
          } else {
            subdirs.push_back(std::move(child));
          }
        }
      } else if (!ignored(child)) {
        if (type == DT_REG || type == DT_LNK) {
          m_list.files.push_back(std::move(child));
        } else {
          m_list.skipped.push_back({std::move(child), core::Skipped::Reason::not_regular, "not a regular file"});
        }
      }
    }
    ::closedir(d);
    for (const auto& s : subdirs) {
      walk(s);
    }
  }

private:
  bool ignored(const std::string& rel)
  {
    int result = 0;
    // libgit2 applies .gitignore files of every parent, .git/info/exclude and core.excludesFile, and treats
    // a path under an ignored directory as ignored. On a lookup failure the file is scanned (fail open).
    return git_ignore_path_is_ignored(&result, m_repo, rel.c_str()) == 0 && result == 1;
  }

  git_repository* m_repo;
  const std::string& m_root;
  FileList& m_list;
  std::unordered_set<std::string_view> m_tracked;
  std::unordered_set<std::string_view> m_tracked_dirs;
};

// True unless core.ignorecase is known to be off: with it on, libgit2 sorts the index entries case-insensitively
// (git_index_set_caps), an order the direct reader does not reproduce.
bool ignores_case(git_repository* repo)
{
  git_config* raw = nullptr;
  if (git_repository_config_snapshot(&raw, repo) != 0) {
    return true;
  }
  const ConfigPtr config(raw);
  int value = 0;
  const int rc = git_config_get_bool(&value, config.get(), "core.ignorecase");
  return rc == GIT_ENOTFOUND ? false : rc != 0 || value != 0;
}

}  // namespace

core::Expected<FileList> list_git_worktree(const std::string& root, const std::string& prefix, IndexReader reader)
{
  DSNGUARD_TRY_ASSIGN(auto repo, open_repository(root));
  FileList list;

  // The index git_repository_index() reads ($GIT_DIR/index; GIT_INDEX_FILE is not honoured here, as before),
  // read directly when the reader takes it, else by libgit2 (which also gives the errors).
  std::optional<IndexEntries> direct;
  if (reader == IndexReader::automatic && !ignores_case(repo.get())) {
    direct = IndexEntries::read(std::string(git_repository_path(repo.get())) + "index");
  }
  IndexPtr index;
  if (!direct) {
    git_index* raw_index = nullptr;
    if (git_repository_index(&raw_index, repo.get()) != 0) {
      return git_fail("cannot read the index of '" + root + "'");
    }
    index.reset(raw_index);
  }
  const std::size_t count = direct ? direct->size() : git_index_entrycount(index.get());
  list.files.reserve(count);
  UntrackedWalk walker(repo.get(), root, list);
  std::string_view last;
  bool first = true;
  for (std::size_t i = 0; i < count; ++i) {
    std::string_view path;
    std::uint32_t mode = 0;
    bool skip_worktree = false;
    if (direct) {
      const IndexEntries::Entry e = direct->entry(i);
      path = e.path;
      mode = e.mode;
      skip_worktree = e.skip_worktree();
    } else {
      const git_index_entry* e = git_index_get_byindex(index.get(), i);
      path = e->path;
      mode = e->mode;
      skip_worktree = (e->flags_extended & GIT_INDEX_ENTRY_SKIP_WORKTREE) != 0;
    }
    // Conflicted paths appear once per stage; the work tree holds one file.
    if (!first && last == path) {
      continue;
    }
    first = false;
    last = path;
    walker.add_tracked(path);  // entry paths live as long as `direct` or `index`, beyond the walk
    if (!under_prefix(path, prefix)) {
      continue;
    }
    if (skip_worktree) {
      continue;  // sparse checkout: not in the work tree by design
    }
    if (mode == GIT_FILEMODE_COMMIT) {
      list.skipped.push_back({std::string(path), core::Skipped::Reason::submodule, "submodule is not entered"});
      continue;
    }
    list.files.emplace_back(path);
  }

  struct stat st {};
  if (!prefix.empty() && ::lstat((root + "/" + prefix).c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) {
    // PATH names one file: listed above when tracked; otherwise read it unless ignored.
    int ignored = 0;
    if (list.files.empty() && git_ignore_path_is_ignored(&ignored, repo.get(), prefix.c_str()) == 0 && ignored == 0) {
      list.files.push_back(prefix);
    }
    return list;
  }
  walker.walk(prefix);
  return list;
}

namespace {

void walk(const std::string& root, const std::string& rel, FileList& list)
{
  const std::string dir = rel.empty() ? root : root + "/" + rel;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    list.skipped.push_back({rel.empty() ? "." : rel, core::Skipped::Reason::unreadable, std::strerror(errno)});
    return;
  }
  std::vector<std::string> subdirs;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == ".." || name == ".git") {
      continue;
    }
    std::string child = rel.empty() ? name : rel + "/" + name;
    unsigned char type = e->d_type;
    if (type == DT_UNKNOWN) {
      struct stat st {};
      if (::lstat((root + "/" + child).c_str(), &st) != 0) {
        continue;  // vanished meanwhile
      }
      type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : S_ISLNK(st.st_mode) ? DT_LNK : DT_FIFO;
    }
    if (type == DT_DIR) {
      subdirs.push_back(std::move(child));
    } else if (type == DT_REG || type == DT_LNK) {
      list.files.push_back(std::move(child));
    } else {
      list.skipped.push_back({std::move(child), core::Skipped::Reason::not_regular, "not a regular file"});
    }
  }
  ::closedir(d);
  for (const auto& s : subdirs) {
    walk(root, s, list);
  }
}

}  // namespace

FileList list_directory(const std::string& root, const std::string& prefix)
{
  FileList list;
  struct stat st {};
  const std::string start = prefix.empty() ? root : root + "/" + prefix;
  if (::lstat(start.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) {
    list.files.push_back(prefix);  // a single file
    return list;
  }
  walk(root, prefix, list);
  return list;
}

}  // namespace dsnguard::sources
