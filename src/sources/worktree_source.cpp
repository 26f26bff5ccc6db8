// make_worktree_source(): lists the files of a working tree (or a plain directory) and reads them in parallel.
#include "sources/sources.hpp"
#include "sources/worktree_walk.hpp"

namespace dsnguard::sources {

namespace {

class WorktreeSource : public core::Source {
public:
  WorktreeSource(WorktreeOptions options, RepoInfo info, std::string prefix)
      : m_options(std::move(options)), m_info(std::move(info)), m_prefix(std::move(prefix))
  {
  }

  core::Expected<void> for_each(core::FragmentSink& sink) override
  {
    FileList list;
    if (m_info.is_git) {
      DSNGUARD_TRY_ASSIGN(list, list_git_worktree(m_info.root, m_prefix));
    } else {
      list = list_directory(m_info.root, m_prefix);
    }
    for (const auto& s : list.skipped) {
      sink.skipped(s);
    }
    ReadOptions ro;
    ro.max_file_size = m_options.max_file_size;
    ro.threads = m_options.threads;
    ro.missing_is_ok = true;
    read_files(m_info.root, list.files, ro, sink);
    return {};
  }

private:
  WorktreeOptions m_options;
  RepoInfo m_info;
  std::string m_prefix;
};

}  // namespace

core::Expected<std::unique_ptr<core::Source>> make_worktree_source(const WorktreeOptions& options)
{
  DSNGUARD_TRY_ASSIGN(auto info, discover(options.path, options.no_git));
  if (info.is_git && info.bare) {
    return core::fail(core::ErrorCode::usage,
                      "'" + info.root + "' is a bare repository: it has no working tree (use --history)");
  }
  DSNGUARD_TRY_ASSIGN(const auto abs, absolute_path(options.path));
  std::string prefix;
  if (abs.size() > info.root.size() && abs.compare(0, info.root.size(), info.root) == 0) {
    prefix = abs.substr(info.root == "/" ? 1 : info.root.size() + 1);
  }
  return std::unique_ptr<core::Source>(new WorktreeSource(options, std::move(info), std::move(prefix)));
}

}  // namespace dsnguard::sources
