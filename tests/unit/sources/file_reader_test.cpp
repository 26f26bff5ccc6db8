// read_files(): the reading pool hands every listed file to the sink exactly once, whatever the number of threads
// (workers take files from both ends of the list), and stops when the sink asks.
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "sources/worktree_walk.hpp"
#include "support/process.hpp"

namespace dsnguard::sources {
namespace {

class CountingSink : public core::FragmentSink {
public:
  explicit CountingSink(std::size_t stop_after = SIZE_MAX) : m_stop_after(stop_after) {}
  core::Visit fragment(const core::Fragment& fragment) override
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    ++seen[fragment.origin.path];
    EXPECT_EQ(fragment.bytes, "content of " + fragment.origin.path);
    return ++m_total >= m_stop_after ? core::Visit::stop : core::Visit::next;
  }
  void skipped(const core::Skipped& s) override { ADD_FAILURE() << "skipped " << s.path; }
  void note(const std::string&) override {}

  std::map<std::string, int> seen;

private:
  std::mutex m_mutex;
  std::size_t m_total = 0;
  std::size_t m_stop_after;
};

TEST(ReadFiles, EveryFileOnceForAnyNumberOfThreads)
{
  test::TempDir root;
  std::vector<std::string> files;
  for (int i = 0; i < 301; ++i) {  // odd: the two ends meet on one file
    const std::string name = "f" + std::to_string(i) + ".txt";
    test::write_file(root.path(), name, "content of " + name);
    files.push_back(name);
  }
  for (const unsigned threads : {1u, 2u, 3u, 4u, 7u}) {
    CountingSink sink;
    ReadOptions options;
    options.threads = threads;
    read_files(root.path(), files, options, sink);
    ASSERT_EQ(sink.seen.size(), files.size()) << threads << " threads";
    for (const auto& [path, n] : sink.seen) {
      EXPECT_EQ(n, 1) << path << " with " << threads << " threads";
    }
  }
}

TEST(ReadFiles, StopsWhenTheSinkSaysSo)
{
  test::TempDir root;
  std::vector<std::string> files;
  for (int i = 0; i < 200; ++i) {
    const std::string name = "f" + std::to_string(i) + ".txt";
    test::write_file(root.path(), name, "content of " + name);
    files.push_back(name);
  }
  CountingSink sink(10);
  ReadOptions options;
  options.threads = 2;
  read_files(root.path(), files, options, sink);
  EXPECT_GE(sink.seen.size(), 10u);
  EXPECT_LT(sink.seen.size(), files.size());  // each thread stops after at most the file it was reading
}

}  // namespace
}  // namespace dsnguard::sources
