// TEMPORARY: placeholder definitions so the tree links before the sources module lands. Delete when implemented.
#include "sources/sources.hpp"

namespace dsnguard::sources {
core::Expected<RepoInfo> discover(const std::string& path, bool)
{
  RepoInfo info;
  info.root = path;
  return info;
}
core::Expected<std::unique_ptr<core::Source>> make_worktree_source(const WorktreeOptions&)
{
  return core::fail(core::ErrorCode::internal, "sources: not implemented");
}
core::Expected<std::unique_ptr<core::RepoView>> open_repo_view(const std::string&, bool)
{
  return core::fail(core::ErrorCode::internal, "sources: not implemented");
}
}  // namespace dsnguard::sources
