// TEMPORARY: placeholder until the RepoView lands. Delete when implemented.
#include "sources/sources.hpp"

namespace dsnguard::sources {
core::Expected<std::unique_ptr<core::RepoView>> open_repo_view(const std::string&, bool)
{
  return core::fail(core::ErrorCode::internal, "sources: not implemented");
}
}  // namespace dsnguard::sources
