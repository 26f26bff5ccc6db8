#pragma once
// A shared library opened on first use (dlopen) and looked up by symbol: for libraries the executable needs only
// on rare paths, which linking would make every process map and relocate at start (libpq for verify,
// GSSAPI for libgit2's HTTP authentication). Project-agnostic.

#include <mutex>

namespace dsnguard::util {

class LazyLibrary {
public:
  explicit constexpr LazyLibrary(const char* soname) : m_soname(soname) {}
  LazyLibrary(const LazyLibrary&) = delete;
  LazyLibrary& operator=(const LazyLibrary&) = delete;

  // The address of `name` in the library, opening it on the first call (thread-safe); null when the library
  // cannot be opened or lacks the symbol.
  void* symbol(const char* name);

private:
  const char* m_soname;
  std::once_flag m_once;
  void* m_handle = nullptr;
};

}  // namespace dsnguard::util
