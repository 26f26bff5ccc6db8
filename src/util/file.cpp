#include "util/file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
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

namespace {

// Writes all of `data` to an open descriptor. Returns an error text, or "".
std::string write_all(int fd, const std::string& data)
{
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return std::strerror(errno);
    }
    done += static_cast<std::size_t>(n);
  }
  return {};
}

}  // namespace

std::string write_file_atomic(const std::string& path, const std::string& data)
{
  struct stat st {};
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && !S_ISREG(st.st_mode)) {
    // A device, FIFO or terminal: renaming over it would replace /dev/null itself (as root).
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
      return std::strerror(errno);
    }
    std::string err = write_all(fd, data);
    if (::close(fd) != 0 && err.empty()) {
      err = std::strerror(errno);
    }
    return err;
  }
  std::string target = path;
  struct stat lst {};
  if (exists && ::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
    char* resolved = ::realpath(path.c_str(), nullptr);
    if (resolved == nullptr) {
      return std::strerror(errno);
    }
    target = resolved;
    std::free(resolved);
  }
  const std::string tmp = target + ".tmp." + std::to_string(::getpid());
  const mode_t mode = exists ? (st.st_mode & 07777) : 0666;
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    return std::strerror(errno);
  }
  std::string err = write_all(fd, data);
  if (exists && err.empty() && ::fchmod(fd, mode) != 0) {  // the umask applied at creation
    err = std::strerror(errno);
  }
  if (::close(fd) != 0 && err.empty()) {
    err = std::strerror(errno);
  }
  if (err.empty() && std::rename(tmp.c_str(), target.c_str()) != 0) {
    err = std::strerror(errno);
  }
  if (!err.empty()) {
    std::remove(tmp.c_str());
  }
  return err;
}

bool looks_binary(const std::string& data, std::size_t probe)
{
  const std::size_t n = std::min(probe, data.size());
  return std::memchr(data.data(), '\0', n) != nullptr;
}

}  // namespace dsnguard::util
