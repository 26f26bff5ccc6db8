#include "sources/blob_reader.hpp"

#include "sources/pack_format.hpp"
#include "sources/pack_reader.hpp"

#include "util/text.hpp"
#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>

namespace dsnguard::sources {

namespace {

constexpr std::size_t k_binary_probe = 8192;
constexpr std::size_t k_chunk = 64;  // consecutive blobs per work item: neighbours in a pack share delta bases

// Adds the offsets of one version-2 pack index (the format git has written since 1.5.2).
void read_idx(const std::string& file, std::uint64_t pack_no, const OidSet& wanted, OidMap<std::uint64_t>& out)
{
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size < 8 + 1024) {
    ::close(fd);
    return;
  }
  const auto size = static_cast<std::size_t>(st.st_size);
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) {
    return;
  }
  const auto* p = static_cast<const unsigned char*>(map);
  if (p[0] == 0xff && p[1] == 't' && p[2] == 'O' && p[3] == 'c' && be32(p + 4) == 2) {
    const std::uint32_t n = be32(p + 8 + 255 * 4);
    const unsigned char* ids = p + 8 + 256 * 4;
    const unsigned char* offsets = ids + std::size_t{n} * 20 + std::size_t{n} * 4;
    const unsigned char* large = offsets + std::size_t{n} * 4;
    if (large <= p + size) {
      for (std::uint32_t i = 0; i < n; ++i) {
        git_oid id{};
        git_oid_fromraw(&id, ids + std::size_t{i} * 20);
        if (!wanted.count(id)) {
          continue;
        }
        std::uint64_t off = be32(offsets + std::size_t{i} * 4);
        if ((off & 0x80000000u) != 0) {
          const unsigned char* q = large + (off & 0x7fffffffu) * 8;
          off = q + 8 <= p + size ? (std::uint64_t{be32(q)} << 32) | be32(q + 4) : 0;
        }
        out.emplace(id, (pack_no << 40) | off);
      }
    }
  }
  ::munmap(map, size);
}

}  // namespace

OidMap<std::uint64_t> pack_order(const std::string& git_dir, const OidSet& wanted)
{
  OidMap<std::uint64_t> out;
  const std::string dir = git_dir + "/objects/pack";
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    return out;
  }
  std::vector<std::string> idx;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".idx") == 0) {
      idx.push_back(dir + "/" + name);
    }
  }
  ::closedir(d);
  std::sort(idx.begin(), idx.end());
  for (std::size_t i = 0; i < idx.size(); ++i) {
    read_idx(idx[i], i, wanted, out);
  }
  return out;
}

core::Expected<std::uint64_t> read_blobs(std::vector<BlobJob> jobs, const BlobReadOptions& options, core::FragmentSink& sink,
                         const std::function<void(std::uint32_t, core::Fragment&)>& fill,
                         const std::function<std::string(std::uint32_t)>& describe)
{
  sort_by_id(jobs);  // pass 1 walks them beside the sorted ids of each pack index
  const std::size_t total = jobs.size();
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::atomic<std::uint64_t> bytes{0};
  std::atomic<bool> stop{false};
  std::atomic<bool> failed{false};
  std::mutex progress_mutex;
  const auto started = std::chrono::steady_clock::now();
  auto last_print = started;

  const auto print_progress = [&] {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> lock(progress_mutex);
    if (now - last_print > std::chrono::milliseconds(250)) {
      last_print = now;
      const double secs = std::chrono::duration<double>(now - started).count();
      std::fprintf(stderr, "\r\033[Kdsnguard: %zu/%zu objects, %.1f MiB/s", done.load(), total,
                   static_cast<double>(bytes.load()) / (1024.0 * 1024.0) / std::max(secs, 1e-3));
    }
  };
  // Hands one blob's bytes to the sink. False when the sink asked to stop.
  // Delta-aware scanning (scan/delta_scan.hpp) is on unless DSNGUARD_DELTA_SCAN=0 (for comparing against full
  // scans: the findings must be identical).
  const char* delta_env = std::getenv("DSNGUARD_DELTA_SCAN");
  const bool delta_scan = delta_env == nullptr || std::strcmp(delta_env, "0") != 0;
  const auto deliver = [&](const BlobJob& job, const char* data, std::size_t size, core::DeltaContext* delta) {
    bytes.fetch_add(size, std::memory_order_relaxed);
    core::Fragment fragment;
    fill(job.tag, fragment);
    if (size > options.max_file_size) {
      sink.skipped({fragment.origin.path, core::Skipped::Reason::too_large,
                    "blob " + oid_hex(job.id) + ": " + std::to_string(size) + " bytes > --max-file-size"});
      return true;
    }
    std::string utf8;  // UTF-16 blobs are scanned as their UTF-8 text
    if (util::utf8_view_of_utf16(data, size, utf8)) {
      delta = nullptr;  // the pack's pieces describe the UTF-16 bytes
    }
    if (std::memchr(data, '\0', std::min(size, k_binary_probe)) != nullptr) {
      sink.skipped({fragment.origin.path, core::Skipped::Reason::binary, "blob " + oid_hex(job.id)});
      return true;
    }
    fragment.bytes = std::string_view(data, size);
    fragment.delta = delta_scan ? delta : nullptr;
    return sink.fragment(fragment) != core::Visit::stop;
  };

  unsigned threads = options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  // Pass 1: straight from the pack files, each delta chain resolved once.
  std::vector<std::atomic<std::uint8_t>> from_pack(jobs.size());
  std::unique_ptr<PackSet> own_packs;
  if (options.packs == nullptr) {
    own_packs = std::make_unique<PackSet>(options.git_dir);
  }
  PackSet& packs = options.packs != nullptr ? *options.packs : *own_packs;
  if (!read_pack_blobs(packs, jobs, threads, from_pack,
                       [&](std::uint32_t i, const char* data, std::size_t size, core::DeltaContext* delta) {
                         const bool more = deliver(jobs[i], data, size, delta);
                         done.fetch_add(1, std::memory_order_relaxed);
                         if (options.progress) {
                           print_progress();
                         }
                         return more;
                       })) {
    stop = true;
  }
  // The rest in pack order, so that neighbours in a pack share delta bases in libgit2's cache.
  {
    std::vector<BlobJob> rest;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      if (from_pack[i].load(std::memory_order_relaxed) == 0) {
        rest.push_back(jobs[i]);
      }
    }
    std::vector<BlobJob>().swap(jobs);
    OidSet wanted;
    for (const auto& j : rest) {
      wanted.insert(j.id);
    }
    const auto order = pack_order(options.git_dir, wanted);
    std::vector<std::pair<std::uint64_t, BlobJob>> keyed;
    keyed.reserve(rest.size());
    for (const auto& j : rest) {
      const auto it = order.find(j.id);
      keyed.emplace_back(it == order.end() ? UINT64_MAX : it->second, j);
    }
    std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    jobs.reserve(keyed.size());
    for (const auto& k : keyed) {
      jobs.push_back(k.second);
    }
  }

  // Pass 2: whatever the pack pass did not deliver (loose objects, unusual packs, missing objects) via libgit2.
  const auto work = [&](bool prints) {
    git_repository* raw_repo = nullptr;
    if (git_repository_open(&raw_repo, options.git_dir.c_str()) != 0) {
      failed = true;
      stop = true;
      return;
    }
    const RepoPtr repo(raw_repo);
    git_odb* raw_odb = nullptr;
    if (git_repository_odb(&raw_odb, repo.get()) != 0) {
      failed = true;
      stop = true;
      return;
    }
    const OdbPtr odb(raw_odb);
    while (!stop.load(std::memory_order_relaxed)) {
      const std::size_t begin = next.fetch_add(k_chunk);
      if (begin >= jobs.size()) {
        break;
      }
      const std::size_t end = std::min(jobs.size(), begin + k_chunk);
      for (std::size_t i = begin; i < end && !stop.load(std::memory_order_relaxed); ++i) {
        const BlobJob& job = jobs[i];
        git_odb_object* raw_obj = nullptr;
        if (git_odb_read(&raw_obj, odb.get(), &job.id) != 0) {
          sink.skipped({oid_hex(job.id), core::Skipped::Reason::missing_object, describe(job.tag)});
          continue;
        }
        const OdbObjectPtr obj(raw_obj);
        done.fetch_add(1, std::memory_order_relaxed);
        if (!deliver(job, static_cast<const char*>(git_odb_object_data(obj.get())), git_odb_object_size(obj.get()),
                     nullptr)) {
          stop = true;
        }
      }
      if (prints) {
        print_progress();
      }
    }
  };
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, 1 + jobs.size() / k_chunk));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) {
    pool.emplace_back(work, false);
  }
  work(options.progress);
  for (auto& t : pool) {
    t.join();
  }
  if (options.progress) {
    std::fprintf(stderr, "\r\033[K");
  }
  if (failed) {
    return core::fail(core::ErrorCode::git, "cannot open '" + options.git_dir + "' for reading blobs");
  }
  return bytes.load();
}

}  // namespace dsnguard::sources
