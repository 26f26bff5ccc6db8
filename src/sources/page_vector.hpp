#pragma once
// Internal to sources/: a growable array of trivially copyable values in an anonymous mapping of its own, for the
// big arrays of a history listing (millions of items). It grows with mremap, which moves pages instead of copying
// them, so there is never a moment with the old and the new buffer both resident (std::vector needs up to 3x its
// size while it doubles, and shrink_to_fit copies again); capacity that is never written costs no resident memory,
// so there is no slack to shrink away either.

#include <sys/mman.h>

#include <algorithm>
#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace dsnguard::sources {

template <typename T>
class PageVector {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

public:
  PageVector() = default;
  ~PageVector()
  {
    if (m_data != nullptr) {
      ::munmap(m_data, m_bytes);
    }
  }
  PageVector(const PageVector&) = delete;
  PageVector& operator=(const PageVector&) = delete;

  std::size_t size() const { return m_size; }
  bool empty() const { return m_size == 0; }
  T* data() { return m_data; }
  const T* data() const { return m_data; }
  T* begin() { return m_data; }
  T* end() { return m_data + m_size; }
  const T* begin() const { return m_data; }
  const T* end() const { return m_data + m_size; }
  T& operator[](std::size_t i) { return m_data[i]; }
  const T& operator[](std::size_t i) const { return m_data[i]; }
  T& back() { return m_data[m_size - 1]; }

  // Like std::vector's: invalidates pointers and references into the array when it grows. Throws std::bad_alloc
  // when the mapping cannot grow.
  template <typename... Args>
  T& emplace_back(Args&&... args)
  {
    if ((m_size + 1) * sizeof(T) > m_bytes) {
      grow((m_size + 1) * sizeof(T));
    }
    T* item = ::new (static_cast<void*>(m_data + m_size)) T(std::forward<Args>(args)...);
    ++m_size;
    return *item;
  }
  void push_back(const T& value) { emplace_back(value); }

private:
  void grow(std::size_t need)
  {
    constexpr std::size_t k_step = std::size_t{1} << 16;
    const std::size_t bytes = (std::max(need, m_bytes * 2) + k_step - 1) / k_step * k_step;
    void* p = m_data == nullptr
                  ? ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                  : ::mremap(m_data, m_bytes, bytes, MREMAP_MAYMOVE);
    if (p == MAP_FAILED) {
      throw std::bad_alloc();
    }
    m_data = static_cast<T*>(p);
    m_bytes = bytes;
  }

  T* m_data = nullptr;
  std::size_t m_size = 0;
  std::size_t m_bytes = 0;  // mapped
};

}  // namespace dsnguard::sources
