#pragma once
// Internal to sources/: reads a list of blobs with several threads, each with its own git_repository (libgit2
// objects are not shared between threads), in pack order so that delta bases stay in each thread's cache.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/source.hpp"
#include "sources/commit_graph.hpp"
#include "sources/pack_reader.hpp"

namespace dsnguard::sources {

struct BlobReadOptions {
  std::string git_dir;
  std::uint64_t max_file_size = 10ull * 1024 * 1024;
  unsigned threads = 0;   // 0 = hardware concurrency
  bool progress = false;  // a progress line on stderr (objects done/total, MiB/s)
  PackSet* packs = nullptr;  // the packs of git_dir already loaded by the caller (null: loaded here)
};

// Sort key of every object in the repository's pack indexes (pack number << 40 | offset); objects not in a pack
// (loose) are absent. Only ids in `wanted` are kept.
OidMap<std::uint64_t> pack_order(const std::string& git_dir, const OidSet& wanted);

// Reads every job's blob and calls `fill(tag, fragment)` to complete the Fragment's origin, then pushes it to
// `sink`. Missing objects -> Skipped missing_object (path = object id, detail from `describe(tag)`); too large,
// binary (NUL in the first 8 KiB) -> Skipped. Returns the bytes read. Stops when the sink returns Visit::stop.
// Error (git) when a worker cannot open the repository.
core::Expected<std::uint64_t> read_blobs(std::vector<BlobJob> jobs, const BlobReadOptions& options, core::FragmentSink& sink,
                         const std::function<void(std::uint32_t, core::Fragment&)>& fill,
                         const std::function<std::string(std::uint32_t)>& describe);

}  // namespace dsnguard::sources
