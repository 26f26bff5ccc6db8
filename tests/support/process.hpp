#pragma once
// Test support: temporary directories, running commands (the built binary, git), writing files.
// Real processes and real git repositories, never mocks.

#include <map>
#include <string>
#include <vector>

namespace dsnguard::test {

// A fresh directory under $TMPDIR, removed (recursively) on destruction.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return m_path; }
  // path() + "/" + relative
  std::string operator/(const std::string& relative) const { return m_path + "/" + relative; }

private:
  std::string m_path;
};

struct RunResult {
  int exit_code = -1;  // -1 when killed by a signal
  std::string out;
  std::string err;
};

struct RunOptions {
  std::string cwd;                            // "" = current directory
  std::string stdin_data;                     // fed to the child's stdin
  std::map<std::string, std::string> env;     // set (added to the inherited environment)
  std::vector<std::string> unset_env;         // removed from the inherited environment
  double timeout_seconds = 120;               // the child is killed after this
};

// Runs argv[0] (searched in PATH) with arguments, capturing stdout and stderr.
RunResult run(const std::vector<std::string>& argv, const RunOptions& options = {});
// Runs the dsnguard binary under test.
RunResult dsnguard(const std::vector<std::string>& args, const RunOptions& options = {});
// Runs `git -C dir args...` with a fixed identity and no global/system config; fails the test on error.
std::string git(const std::string& dir, const std::vector<std::string>& args, const RunOptions& options = {});

// Writes `content` to dir/relative, creating parent directories.
void write_file(const std::string& dir, const std::string& relative, const std::string& content);
std::string read_file(const std::string& path);
// `s` without its trailing newlines (a command's one-line output).
std::string trim_newlines(std::string s);
// A new repository in `dir` (git init -b main), with identity configured.
void git_init(const std::string& dir);
// git add -A && git commit -m message; returns the new commit id.
std::string git_commit_all(const std::string& dir, const std::string& message);
// Path of the built dsnguard binary.
std::string binary_path();
// Path of the source tree.
std::string source_dir();

}  // namespace dsnguard::test
