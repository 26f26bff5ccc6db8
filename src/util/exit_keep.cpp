#include "util/exit_keep.hpp"

#include <mutex>
#include <vector>

namespace dsnguard::util {

void leave_to_exit(std::shared_ptr<const void> object)
{
  static std::mutex mutex;
  static auto* const kept = new std::vector<std::shared_ptr<const void>>();  // never deleted
  const std::lock_guard<std::mutex> lock(mutex);
  kept->push_back(std::move(object));
}

}  // namespace dsnguard::util
