// TEMPORARY: placeholder until the worktree source lands. Delete when implemented.
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
}  // namespace dsnguard::sources
