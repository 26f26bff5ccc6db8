#pragma once
// File I/O helpers returning Expected-like results without depending on core (util uses nothing of ours).

#include <cstdint>
#include <optional>
#include <string>

namespace dsnguard::util {

struct ReadResult {
  bool ok = false;
  std::string data;
  std::string error;  // strerror text when !ok
};

// Reads the whole file. Does not follow the decision about size limits; callers check size first.
ReadResult read_file(const std::string& path);
// Writes `data` to `path`: a regular file (new or existing) is replaced atomically (temp file beside it + rename,
// keeping an existing file's permission bits; through a symlink, the file it points to is replaced and the link
// kept); anything else that exists (/dev/null, /dev/stdout, a FIFO, a terminal) is written in place, never
// replaced. Returns an error text, or "" on success.
std::string write_file_atomic(const std::string& path, const std::string& data);
// True when the first `probe` bytes contain a NUL byte.
bool looks_binary(const std::string& data, std::size_t probe = 8192);

}  // namespace dsnguard::util
