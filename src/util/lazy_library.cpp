#include "util/lazy_library.hpp"

#include <dlfcn.h>

namespace dsnguard::util {

void* LazyLibrary::symbol(const char* name)
{
  std::call_once(m_once, [this] { m_handle = ::dlopen(m_soname, RTLD_NOW | RTLD_LOCAL); });
  return m_handle != nullptr ? ::dlsym(m_handle, name) : nullptr;
}

}  // namespace dsnguard::util
