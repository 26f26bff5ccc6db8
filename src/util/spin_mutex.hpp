#pragma once
// A mutex for short critical sections taken very often by a few threads: waits by spinning, then by yielding the
// processor, never by sleeping in the kernel. std::mutex puts a waiter to sleep at once; on a short section the
// futex sleep and wake-up then cost more than the section itself. Project-agnostic; meets BasicLockable.

#include <atomic>
#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace dsnguard::util {

class SpinMutex {
public:
  void lock()
  {
    for (unsigned spins = 0;; ++spins) {
      if (!m_locked.load(std::memory_order_relaxed) && !m_locked.exchange(true, std::memory_order_acquire)) {
        return;
      }
      if (spins < k_spins_before_yield) {
        relax();
      } else {
        std::this_thread::yield();  // the holder may be waiting for this processor (more threads than cores)
      }
    }
  }
  void unlock() { m_locked.store(false, std::memory_order_release); }

private:
  static constexpr unsigned k_spins_before_yield = 256;

  static void relax()
  {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#endif
  }

  std::atomic<bool> m_locked{false};
};

}  // namespace dsnguard::util
