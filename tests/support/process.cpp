#include "support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>

extern char** environ;

namespace dsnguard::test {

namespace fs = std::filesystem;

TempDir::TempDir()
{
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/dsnguard-test-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  m_path = fs::canonical(tmpl).string();
}

TempDir::~TempDir()
{
  std::error_code ec;
  // Restore permissions that tests may have removed, so cleanup cannot fail.
  for (auto it = fs::recursive_directory_iterator(m_path, fs::directory_options::skip_permission_denied, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) {
      ::chmod(it->path().c_str(), 0755);
    }
  }
  ::chmod(m_path.c_str(), 0755);
  fs::remove_all(m_path, ec);
}

RunResult run(const std::vector<std::string>& argv, const RunOptions& options)
{
  RunResult result;
  int out_pipe[2];
  int err_pipe[2];
  int in_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0 || ::pipe2(in_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  if (!options.cwd.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions, options.cwd.c_str());
  }

  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string kv = *e;
    const auto eq = kv.find('=');
    if (eq != std::string::npos) {
      env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
  }
  for (const auto& k : options.unset_env) {
    env.erase(k);
  }
  for (const auto& [k, v] : options.env) {
    env[k] = v;
  }
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) {
    env_strings.push_back(k + "=" + v);
  }
  std::vector<char*> envp;
  for (auto& s : env_strings) {
    envp.push_back(s.data());
  }
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  // posix_spawnp searches the parent's PATH; the child's PATH (options.env) is the one that must count.
  if (!args.empty() && args[0].find('/') == std::string::npos && env.count("PATH")) {
    for (const auto& dir : [&] {
           std::vector<std::string> dirs;
           std::stringstream ss(env["PATH"]);
           for (std::string d; std::getline(ss, d, ':');) {
             dirs.push_back(d.empty() ? "." : d);
           }
           return dirs;
         }()) {
      const std::string candidate = dir + "/" + args[0];
      if (::access(candidate.c_str(), X_OK) == 0) {
        args[0] = candidate;
        break;
      }
    }
  }
  std::vector<char*> cargv;
  for (auto& a : args) {
    cargv.push_back(a.data());
  }
  cargv.push_back(nullptr);

  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, cargv[0], &actions, nullptr, cargv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (rc != 0) {
    ::close(in_pipe[1]);
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    result.err = std::string("spawn failed: ") + std::strerror(rc);
    return result;
  }
  ::fcntl(in_pipe[1], F_SETFL, O_NONBLOCK);
  std::size_t written = 0;
  if (options.stdin_data.empty()) {
    ::close(in_pipe[1]);
    in_pipe[1] = -1;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(options.timeout_seconds);
  bool out_open = true;
  bool err_open = true;
  char buf[65536];
  while (out_open || err_open) {
    pollfd fds[3];
    int n = 0;
    if (out_open) fds[n++] = {out_pipe[0], POLLIN, 0};
    if (err_open) fds[n++] = {err_pipe[0], POLLIN, 0};
    if (in_pipe[1] >= 0) fds[n++] = {in_pipe[1], POLLOUT, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      ::kill(pid, SIGKILL);
      break;
    }
    ::poll(fds, static_cast<nfds_t>(n), static_cast<int>(std::min<long long>(left, 1000)));
    for (int i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      if (fds[i].fd == in_pipe[1]) {
        const ssize_t w = ::write(in_pipe[1], options.stdin_data.data() + written, options.stdin_data.size() - written);
        if (w > 0) written += static_cast<std::size_t>(w);
        if (w < 0 || written == options.stdin_data.size()) {
          ::close(in_pipe[1]);
          in_pipe[1] = -1;
        }
        continue;
      }
      const ssize_t r = ::read(fds[i].fd, buf, sizeof buf);
      if (r <= 0) {
        if (fds[i].fd == out_pipe[0]) out_open = false; else err_open = false;
      } else if (fds[i].fd == out_pipe[0]) {
        result.out.append(buf, static_cast<std::size_t>(r));
      } else {
        result.err.append(buf, static_cast<std::size_t>(r));
      }
    }
  }
  if (in_pipe[1] >= 0) ::close(in_pipe[1]);
  ::close(out_pipe[0]);
  ::close(err_pipe[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string binary_path()
{
  return DSNGUARD_BINARY;
}

std::string source_dir()
{
  return DSNGUARD_SOURCE_DIR;
}

RunResult dsnguard(const std::vector<std::string>& args, const RunOptions& options)
{
  std::vector<std::string> argv{binary_path()};
  argv.insert(argv.end(), args.begin(), args.end());
  RunOptions o = options;
  o.unset_env.push_back("DATABASE_URL");
  o.unset_env.push_back("GIT_DIR");
  o.unset_env.push_back("GIT_INDEX_FILE");
  o.unset_env.push_back("GIT_WORK_TREE");
  if (!o.env.count("NO_COLOR")) {
    o.env["NO_COLOR"] = "1";
  }
  return run(argv, o);
}

std::string git(const std::string& dir, const std::vector<std::string>& args, const RunOptions& options)
{
  std::vector<std::string> argv{"git", "-C", dir};
  argv.insert(argv.end(), args.begin(), args.end());
  RunOptions o = options;
  o.env["GIT_CONFIG_NOSYSTEM"] = "1";
  o.env["GIT_CONFIG_GLOBAL"] = "/dev/null";
  o.env["GIT_AUTHOR_NAME"] = "Test Author";
  o.env["GIT_AUTHOR_EMAIL"] = "author@example.com";
  o.env["GIT_COMMITTER_NAME"] = "Test Author";
  o.env["GIT_COMMITTER_EMAIL"] = "author@example.com";
  o.unset_env.push_back("GIT_DIR");
  o.unset_env.push_back("GIT_INDEX_FILE");
  o.unset_env.push_back("GIT_WORK_TREE");
  const auto r = run(argv, o);
  EXPECT_EQ(r.exit_code, 0) << "git " << (args.empty() ? "" : args[0]) << " failed: " << r.err;
  return r.out;
}

void write_file(const std::string& dir, const std::string& relative, const std::string& content)
{
  const fs::path p = fs::path(dir) / relative;
  fs::create_directories(p.parent_path());
  std::ofstream f(p, std::ios::binary);
  f << content;
}

std::string trim_newlines(std::string s)
{
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) {
    s.pop_back();
  }
  return s;
}

std::string read_file(const std::string& path)
{
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void git_init(const std::string& dir)
{
  git(dir, {"init", "-q", "-b", "main"});
  git(dir, {"config", "user.name", "Test Author"});
  git(dir, {"config", "user.email", "author@example.com"});
  git(dir, {"config", "commit.gpgsign", "false"});
}

std::string git_commit_all(const std::string& dir, const std::string& message)
{
  git(dir, {"add", "-A"});
  git(dir, {"commit", "-q", "--no-verify", "-m", message});
  std::string id = git(dir, {"rev-parse", "HEAD"});
  while (!id.empty() && (id.back() == '\n' || id.back() == '\r')) id.pop_back();
  return id;
}

}  // namespace dsnguard::test
