#pragma once
// Helpers shared by the gate/hook/SARIF/audit end-to-end tests: a PATH that holds the built dsnguard (git
// hooks and pre-commit find it by name), git with a fixed identity, and the sample credentials.

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "support/process.hpp"

namespace dsnguard::test {

// A directory holding a `dsnguard` symlink to the binary under test; put it first on PATH.
class BinOnPath {
public:
  BinOnPath()
  {
    std::filesystem::create_directories(m_dir.path() + "/bin");
    std::filesystem::create_symlink(binary_path(), m_dir.path() + "/bin/dsnguard");
  }
  std::string bin_dir() const { return m_dir.path() + "/bin"; }
  std::string path_value() const
  {
    const char* p = std::getenv("PATH");
    return bin_dir() + ":" + (p != nullptr ? p : "/usr/bin:/bin");
  }

private:
  TempDir m_dir;
};

// RunOptions for running git (and the hooks it starts) in `dir` with a fixed identity and no user config.
inline RunOptions git_env(const std::string& path_value)
{
  RunOptions o;
  o.env["PATH"] = path_value;
  o.env["GIT_CONFIG_NOSYSTEM"] = "1";
  o.env["GIT_CONFIG_GLOBAL"] = "/dev/null";
  o.env["GIT_AUTHOR_NAME"] = "Test Author";
  o.env["GIT_AUTHOR_EMAIL"] = "author@example.com";
  o.env["GIT_COMMITTER_NAME"] = "Test Author";
  o.env["GIT_COMMITTER_EMAIL"] = "author@example.com";
  o.env["NO_COLOR"] = "1";
  o.unset_env = {"GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE", "DATABASE_URL"};
  return o;
}

// `git -C dir args...` that may fail (a hook may block it).
inline RunResult git_try(const std::string& dir, std::vector<std::string> args, const RunOptions& options)
{
  args.insert(args.begin(), {"git", "-C", dir});
  return run(args, options);
}

inline bool is_executable(const std::string& path)
{
  return ::access(path.c_str(), X_OK) == 0;
}

// A PostgreSQL URL with a realistic password (the engine reports it); built at run time so this source file
// holds no credential-shaped literal.
inline std::string leaked_url()
{
  return std::string("postgres://app_user:") + "Xk9-vQ2m" + "Lr7pZt4w@db-prod-7.acme-internal.net:5432/app";
}

}  // namespace dsnguard::test
