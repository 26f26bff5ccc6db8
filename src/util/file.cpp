#include "util/file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

namespace dsnguard::util {

ReadResult read_file(const std::string& path)
{
  ReadResult r;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    r.error = std::strerror(errno);
    return r;
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_size > 0) {
    r.data.reserve(static_cast<std::size_t>(st.st_size));
  }
  char buf[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      r.error = std::strerror(errno);
      ::close(fd);
      return r;
    }
    if (n == 0) {
      break;
    }
    r.data.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  r.ok = true;
  return r;
}

std::string write_file_atomic(const std::string& path, const std::string& data)
{
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) {
    return std::strerror(errno);
  }
  const bool ok = std::fwrite(data.data(), 1, data.size(), f) == data.size();
  const bool closed = std::fclose(f) == 0;
  if (!ok || !closed) {
    const std::string err = std::strerror(errno);
    std::remove(tmp.c_str());
    return err;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string err = std::strerror(errno);
    std::remove(tmp.c_str());
    return err;
  }
  return {};
}

bool looks_binary(const std::string& data, std::size_t probe)
{
  const std::size_t n = std::min(probe, data.size());
  return std::memchr(data.data(), '\0', n) != nullptr;
}

}  // namespace dsnguard::util
