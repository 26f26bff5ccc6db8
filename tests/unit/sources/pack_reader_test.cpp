// The pack reader against libgit2: every blob and commit it reads from a pack must be the object libgit2 reads,
// whether the pack comes with a reverse index (.rev, which orders the entries without a sort), without one, or
// with one that does not fit the pack; one PackSet serves several passes.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <sstream>

#include "sources/commit_graph.hpp"
#include "sources/pack_reader.hpp"
#include "support/process.hpp"

namespace dsnguard::sources {
namespace {

using test::git;

// A fast-import stream: `files` files, each rewritten in most of `commits` commits by a line or two, so that the
// pack holds long delta chains of blobs (and of trees).
std::string versions(int commits, int files)
{
  std::string out;
  int mark = 0;
  for (int c = 1; c <= commits; ++c) {
    std::vector<std::pair<std::string, int>> changes;
    for (int f = 0; f < files; ++f) {
      if (c > 1 && (c + f) % 3 == 0) {
        continue;
      }
      std::string content;
      for (int line = 0; line < 40; ++line) {
        content += "line " + std::to_string(line) + " of file " + std::to_string(f);
        content += line == c % 40 ? " changed in " + std::to_string(c) + "\n" : "\n";
      }
      out += "blob\nmark :" + std::to_string(++mark) + "\ndata " + std::to_string(content.size()) + "\n" + content
             + "\n";
      changes.emplace_back("dir" + std::to_string(f % 3) + "/file" + std::to_string(f) + ".txt", mark);
    }
    out += "commit refs/heads/main\nmark :" + std::to_string(++mark) + "\n";
    out += "committer T <t@example.invalid> " + std::to_string(1700000000 + c * 60) + " +0000\ndata 2\nc\n";
    for (const auto& [path, m] : changes) {
      out += "M 100644 :" + std::to_string(m) + " " + path + "\n";
    }
    out += "\n";
  }
  return out;
}

// The ids of every object of `type` in the repository, sorted.
std::vector<git_oid> objects_of_type(const std::string& repo_dir, const std::string& type)
{
  std::istringstream lines(
      git(repo_dir, {"cat-file", "--batch-all-objects", "--batch-check=%(objecttype) %(objectname)"}));
  std::vector<git_oid> out;
  std::string t;
  std::string hex;
  while (lines >> t >> hex) {
    if (t == type) {
      git_oid id{};
      EXPECT_EQ(git_oid_fromstr(&id, hex.c_str()), 0);
      out.push_back(id);
    }
  }
  std::sort(out.begin(), out.end(), [](const git_oid& a, const git_oid& b) { return git_oid_cmp(&a, &b) < 0; });
  return out;
}

// The pack's .rev file (exactly one pack in the repository).
std::string rev_file(const std::string& repo_dir)
{
  for (const auto& e : std::filesystem::directory_iterator(repo_dir + "/.git/objects/pack")) {
    if (e.path().extension() == ".rev") {
      return e.path().string();
    }
  }
  return {};
}

// Reads every blob and commit through one PackSet and expects each to be read once, with libgit2's content.
void expect_objects_read_like_libgit2(const std::string& repo_dir)
{
  auto repo = open_repository(repo_dir);
  ASSERT_TRUE(repo.has_value());
  const auto blobs = objects_of_type(repo_dir, "blob");
  const auto commits = objects_of_type(repo_dir, "commit");
  ASSERT_GT(blobs.size(), 100u);
  PackSet packs(git_repository_path(repo->get()));

  std::vector<BlobJob> jobs;
  for (std::uint32_t i = 0; i < blobs.size(); ++i) {
    jobs.push_back({blobs[i], i});
  }
  std::mutex mutex;
  std::vector<std::string> got(blobs.size());
  std::vector<int> calls(blobs.size(), 0);
  for (const unsigned threads : {1u, 2u}) {
    std::vector<std::atomic<std::uint8_t>> done(blobs.size());
    std::fill(calls.begin(), calls.end(), 0);
    ASSERT_TRUE(read_pack_blobs(packs, jobs, threads, done,
                                [&](std::uint32_t i, const char* data, std::size_t size, core::DeltaContext*) {
                                  const std::lock_guard<std::mutex> lock(mutex);
                                  got[i].assign(data, size);
                                  ++calls[i];
                                  return true;
                                }));
    for (std::size_t i = 0; i < blobs.size(); ++i) {
      EXPECT_EQ(calls[i], 1) << oid_hex(blobs[i]) << ", " << threads << " threads";
      EXPECT_EQ(done[i].load(), 1);
      git_blob* raw = nullptr;
      ASSERT_EQ(git_blob_lookup(&raw, repo->get(), &blobs[i]), 0);
      const BlobPtr blob(raw);
      EXPECT_EQ(got[i], std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                                    static_cast<std::size_t>(git_blob_rawsize(blob.get()))))
          << oid_hex(blobs[i]);
    }
  }

  std::map<std::string, int> commit_calls;
  std::map<std::string, std::string> commit_data;
  ASSERT_TRUE(read_pack_commits(packs, 2, [&](const git_oid& id, const char* data, std::size_t size) {
    const std::lock_guard<std::mutex> lock(mutex);
    ++commit_calls[oid_hex(id)];
    commit_data[oid_hex(id)].assign(data, size);
    return true;
  }));
  ASSERT_EQ(commit_calls.size(), commits.size());
  for (const auto& id : commits) {
    EXPECT_EQ(commit_calls[oid_hex(id)], 1);
    git_odb* raw_odb = nullptr;
    ASSERT_EQ(git_repository_odb(&raw_odb, repo->get()), 0);
    const OdbPtr odb(raw_odb);
    git_odb_object* raw = nullptr;
    ASSERT_EQ(git_odb_read(&raw, odb.get(), &id), 0);
    const OdbObjectPtr obj(raw);
    EXPECT_EQ(commit_data[oid_hex(id)],
              std::string(static_cast<const char*>(git_odb_object_data(obj.get())), git_odb_object_size(obj.get())));
  }
}

class PackReader : public ::testing::Test {
protected:
  void SetUp() override
  {
    test::git_init(m_dir.path());
    test::RunOptions in;
    in.stdin_data = versions(60, 9);
    git(m_dir.path(), {"fast-import", "--quiet"}, in);
  }
  test::TempDir m_dir;
};

TEST_F(PackReader, ReadsEveryObjectWithoutAReverseIndex)
{
  git(m_dir.path(), {"-c", "pack.writeReverseIndex=false", "repack", "-q", "-a", "-d", "-f", "--depth=50"});
  ASSERT_EQ(rev_file(m_dir.path()), "");
  expect_objects_read_like_libgit2(m_dir.path());
}

TEST_F(PackReader, ReadsEveryObjectInTheOrderOfItsReverseIndex)
{
  git(m_dir.path(), {"-c", "pack.writeReverseIndex=true", "repack", "-q", "-a", "-d", "-f", "--depth=50"});
  ASSERT_NE(rev_file(m_dir.path()), "");
  expect_objects_read_like_libgit2(m_dir.path());
}

TEST_F(PackReader, AReverseIndexThatDoesNotFitThePackIsIgnored)
{
  git(m_dir.path(), {"-c", "pack.writeReverseIndex=true", "repack", "-q", "-a", "-d", "-f", "--depth=50"});
  const std::string rev = rev_file(m_dir.path());
  ASSERT_NE(rev, "");
  // Swaps the first two positions: still a permutation of the right size, no longer in offset order. Read as
  // given, every object would end where the wrong neighbour starts.
  std::string bytes = test::read_file(rev);
  ASSERT_GT(bytes.size(), 12u + 8u + 40u);
  std::swap_ranges(bytes.begin() + 12, bytes.begin() + 16, bytes.begin() + 16);
  ::chmod(rev.c_str(), 0644);
  const int fd = ::open(rev.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  ::close(fd);
  expect_objects_read_like_libgit2(m_dir.path());
}

TEST_F(PackReader, CountsTheTreesAndBlobsOfThePacks)
{
  git(m_dir.path(), {"repack", "-q", "-a", "-d", "-f", "--depth=50"});
  PackSet packs(m_dir.path() + "/.git");
  const PackCounts counts = count_pack_objects(packs);
  // Deltas count as the type at the root of their chain.
  EXPECT_EQ(counts.trees, objects_of_type(m_dir.path(), "tree").size());
  EXPECT_EQ(counts.blobs, objects_of_type(m_dir.path(), "blob").size());
  EXPECT_GT(counts.blobs, 100u);
}

TEST(SortById, OrdersJobsBytewiseAndKeepsEachOnce)
{
  // Ids sharing their first two bytes (one bucket of the counting sort), ids differing only in the last byte, and
  // pseudo-random ones.
  std::vector<BlobJob> jobs;
  std::uint32_t seed = 12345;
  const auto next = [&seed] {
    seed = seed * 1103515245u + 12345u;
    return static_cast<unsigned char>(seed >> 16);
  };
  for (std::uint32_t t = 0; t < 3000; ++t) {
    BlobJob j;
    for (auto& byte : j.id.id) {
      byte = next();
    }
    if (t % 3 == 0) {
      j.id.id[0] = 0xab;
      j.id.id[1] = 0xcd;
    }
    if (t % 7 == 0) {
      std::memset(j.id.id, 0x42, GIT_OID_RAWSZ - 1);
    }
    j.tag = t;
    jobs.push_back(j);
  }
  std::vector<BlobJob> expected = jobs;
  std::stable_sort(expected.begin(), expected.end(), [](const BlobJob& a, const BlobJob& b) {
    return std::memcmp(a.id.id, b.id.id, GIT_OID_RAWSZ) < 0;
  });
  sort_by_id(jobs);
  ASSERT_EQ(jobs.size(), expected.size());
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    EXPECT_EQ(std::memcmp(jobs[i].id.id, expected[i].id.id, GIT_OID_RAWSZ), 0) << i;
  }
  std::vector<std::uint32_t> tags;
  for (const auto& j : jobs) {
    tags.push_back(j.tag);
  }
  std::sort(tags.begin(), tags.end());
  for (std::uint32_t t = 0; t < tags.size(); ++t) {
    EXPECT_EQ(tags[t], t);
  }
}

// A pack of several MB: objects are read ahead about 1 MB of the visiting order at a time, with nearby objects
// joined into one read. Here the blob pass spans several batches and read-ahead segments, a delta tree larger than
// one segment (a file rewritten in 40 commits, each version mostly new random bytes), single objects larger than a
// segment, and small objects between the large ones.
TEST(PackReaderLarge, ReadsEveryObjectOfAPackLargerThanOneReadAhead)
{
  test::TempDir dir;
  test::git_init(dir.path());
  std::uint64_t state = 88172645463325252ull;
  const auto random_bytes = [&](std::size_t n) {
    std::string out(n, '\0');
    for (auto& c : out) {
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      c = static_cast<char>(state);
    }
    return out;
  };
  std::string stream;
  int mark = 0;
  const auto blob = [&](const std::string& content) {
    stream += "blob\nmark :" + std::to_string(++mark) + "\ndata " + std::to_string(content.size()) + "\n" + content
              + "\n";
    return mark;
  };
  const std::string shared = random_bytes(30000);
  for (int c = 1; c <= 40; ++c) {
    std::vector<std::pair<std::string, int>> changes;
    changes.emplace_back("grows.bin", blob(shared + random_bytes(40000)));
    for (int f = 0; f < 6; ++f) {
      changes.emplace_back("small" + std::to_string(f) + ".txt",
                           blob("small file " + std::to_string(f) + " version " + std::to_string(c) + "\n"));
    }
    if (c % 10 == 0) {
      changes.emplace_back("large" + std::to_string(c) + ".bin", blob(random_bytes(1200000)));
    }
    stream += "commit refs/heads/main\nmark :" + std::to_string(++mark) + "\n";
    stream += "committer T <t@example.invalid> " + std::to_string(1700000000 + c * 60) + " +0000\ndata 2\nc\n";
    for (const auto& [path, m] : changes) {
      stream += "M 100644 :" + std::to_string(m) + " " + path + "\n";
    }
    stream += "\n";
  }
  test::RunOptions in;
  in.stdin_data = stream;
  git(dir.path(), {"fast-import", "--quiet"}, in);
  git(dir.path(), {"repack", "-q", "-a", "-d", "-f", "--depth=50"});
  std::uintmax_t pack_bytes = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path() + "/.git/objects/pack")) {
    pack_bytes += e.path().extension() == ".pack" ? e.file_size() : 0;
  }
  ASSERT_GT(pack_bytes, std::uintmax_t{6} << 20);
  expect_objects_read_like_libgit2(dir.path());
}

// A pack of over 50k objects has its headers parsed on two threads (each half of the pack on one).
TEST(PackReaderLarge, ReadsEveryObjectOfAPackWithHeadersParsedInHalves)
{
  test::TempDir dir;
  test::git_init(dir.path());
  std::string stream;
  constexpr int k_blobs = 52000;
  for (int b = 1; b <= k_blobs; ++b) {
    const std::string content = "object " + std::to_string(b) + (b % 7 == 0 ? std::string(300, 'x') : "") + "\n";
    stream += "blob\nmark :" + std::to_string(b) + "\ndata " + std::to_string(content.size()) + "\n" + content + "\n";
  }
  for (int c = 0; c < 4; ++c) {
    stream += "commit refs/heads/main\nmark :" + std::to_string(k_blobs + 1 + c) + "\n";
    stream += "committer T <t@example.invalid> " + std::to_string(1700000000 + c) + " +0000\ndata 2\nc\n";
    for (int b = 1 + c; b <= k_blobs; b += 4) {
      stream += "M 100644 :" + std::to_string(b) + " d" + std::to_string(b % 97) + "/f" + std::to_string(b) + "\n";
    }
    stream += "\n";
  }
  test::RunOptions in;
  in.stdin_data = stream;
  git(dir.path(), {"fast-import", "--quiet"}, in);
  git(dir.path(), {"repack", "-q", "-a", "-d"});
  expect_objects_read_like_libgit2(dir.path());
}

// A repository that was never repacked whole: one pack per push. One PackSet serves every pass while the process
// may open only a few more files than it has open already (packs are open only during a pass).
TEST(PackReaderFiles, ManyPacksUnderALowOpenFileLimit)
{
  test::TempDir dir;
  test::git_init(dir.path());
  constexpr int k_packs = 40;
  for (int c = 0; c < k_packs; ++c) {
    test::write_file(dir.path(), "file" + std::to_string(c % 5) + ".txt",
                     "version " + std::to_string(c) + "\n" + std::string(200, 'x') + "\n");
    test::git_commit_all(dir.path(), "c" + std::to_string(c));
    git(dir.path(), {"repack", "-q", "-d"});  // the new loose objects as one more pack
  }
  std::size_t packs_on_disk = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path() + "/.git/objects/pack")) {
    packs_on_disk += e.path().extension() == ".pack" ? 1 : 0;
  }
  ASSERT_GE(packs_on_disk, static_cast<std::size_t>(k_packs));

  auto repo = open_repository(dir.path());
  ASSERT_TRUE(repo.has_value());
  const auto blobs = objects_of_type(dir.path(), "blob");
  std::vector<BlobJob> jobs;
  for (std::uint32_t i = 0; i < blobs.size(); ++i) {
    jobs.push_back({blobs[i], i});
  }
  const std::string git_dir = git_repository_path(repo->get());
  std::size_t open_now = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
    ++open_now;
  }
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit low = saved;
  low.rlim_cur = open_now + 16;  // fewer than the packs
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  std::size_t delivered = 0;
  std::size_t commits = 0;
  bool read_all = false;
  {
    PackSet packs(git_dir);
    std::mutex mutex;
    std::vector<std::atomic<std::uint8_t>> done(blobs.size());
    read_all = read_pack_blobs(packs, jobs, 2, done, [&](std::uint32_t, const char*, std::size_t, core::DeltaContext*) {
      const std::lock_guard<std::mutex> lock(mutex);
      ++delivered;
      return true;
    });
    read_all = read_pack_commits(packs, 2, [&](const git_oid&, const char*, std::size_t) {
      const std::lock_guard<std::mutex> lock(mutex);
      ++commits;
      return true;
    }) && read_all;
  }
  ::setrlimit(RLIMIT_NOFILE, &saved);
  EXPECT_TRUE(read_all);
  EXPECT_EQ(delivered, blobs.size());
  EXPECT_EQ(commits, static_cast<std::size_t>(k_packs));
}

}  // namespace
}  // namespace dsnguard::sources
