#include <gtest/gtest.h>

#include <mutex>
#include <thread>
#include <vector>

#include "util/spin_mutex.hpp"

namespace dsnguard::util {
namespace {

// More threads than this machine has cores, so that waiters also take the yielding path: every increment of the
// unprotected counter must survive.
TEST(SpinMutex, ExcludesUnderContention)
{
  SpinMutex mutex;
  std::uint64_t counter = 0;  // deliberately not atomic: only the lock protects it
  constexpr int k_threads = 8;
  constexpr int k_rounds = 5000;
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < k_rounds; ++i) {
        const std::lock_guard<SpinMutex> lock(mutex);
        const std::uint64_t seen = counter;
        std::this_thread::yield();  // widen the window another thread would race into without the lock
        counter = seen + 1;
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(counter, std::uint64_t{k_threads} * k_rounds);
}

}  // namespace
}  // namespace dsnguard::util
