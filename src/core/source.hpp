#pragma once
// The Source interface: something that pushes Fragments (worktree files, staged blobs, history blobs) to a
// sink. Implementations live in sources/ (the only user of libgit2); tests use tests/support/fake_source.hpp.

#include "core/error.hpp"
#include "core/types.hpp"

namespace dsnguard::core {

enum class Visit { next, stop };

// Receives what a Source produces. Calls may come from several threads at once when a Source says so
// (see Source::concurrent); implementations must then be thread-safe.
class FragmentSink {
public:
  virtual ~FragmentSink() = default;
  // One fragment of bytes to scan. Return Visit::stop to end the scan early.
  virtual Visit fragment(const Fragment& fragment) = 0;
  // Something that was not scanned (binary, too large, unreadable, missing object...).
  virtual void skipped(const Skipped& skipped) = 0;
  // A human note for the summary (e.g. "history is partial: shallow clone").
  virtual void note(const std::string& text) = 0;
};

class Source {
public:
  virtual ~Source() = default;
  // Pushes every fragment to `sink`. Per-item failures go to sink.skipped() and the walk continues; the
  // returned error is for failures that stop the whole walk (not a repository, bad revision...).
  virtual Expected<void> for_each(FragmentSink& sink) = 0;
};

}  // namespace dsnguard::core
