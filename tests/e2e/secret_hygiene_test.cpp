// Secret hygiene (issue 7): every command and output format, error messages and progress output, run on a
// repository holding known passwords, never prints a password without --no-redact; neither does any file
// dsnguard writes (reports, baseline, installed hooks) nor anything left in HOME or TMPDIR.
#include <sys/stat.h>

#include <filesystem>
#include <set>

#include <gtest/gtest.h>

#include "support/process.hpp"

namespace dsnguard::test {

namespace {

namespace fs = std::filesystem;

// Distinct, strong passwords in every form the scanner knows, one of them only in history.
const std::vector<std::string> k_passwords = {
  "Kx7pQ2vL9mRw",  // SQLAlchemy URL in code
  "Tz4nB8cY3hJs",  // tracked .env
  "Wm5rD1fG6kPq",  // libpq key=value
  "Ha2sV9xE4uNb",  // JDBC
  "Pc8yL3tQ7oZi",  // PGPASSWORD
  "Rf6wK1mS5dXe",  // deleted later: history only
  "Gy3hU8jN2aVc",  // staged only
};

struct Hygiene {
  TempDir repo;
  TempDir home;
  TempDir out;
  std::vector<std::pair<std::string, std::string>> transcripts;  // what ran -> everything it printed

  Hygiene()
  {
    git_init(repo.path());
    write_file(repo.path(), "app/settings.py",
               "DATABASE_URL = \"postgresql+psycopg2://app:" + k_passwords[0]
                 + "@ep-calm-sea-123456.us-east-2.aws.neon.tech/app?sslmode=require\"\n");
    write_file(repo.path(), ".env", "export DATABASE_URL='postgres://svc:" + k_passwords[1] + "@db.prod-cluster.acme-corp.net/svc'\n");
    write_file(repo.path(), "conf/pg.conf", "conninfo = 'host=db.acme-corp.net user=rep password=" + k_passwords[2] + " dbname=rep'\n");
    write_file(repo.path(), "conf/app.properties",
               "spring.datasource.url=jdbc:postgresql://db.acme-corp.net:5432/app?user=app&password=" + k_passwords[3] + "\n");
    write_file(repo.path(), "deploy.sh", "export PGPASSWORD=" + k_passwords[4] + "\npsql -h db.acme-corp.net -U app\n");
    write_file(repo.path(), "old.py", "URL = \"mysql://root:" + k_passwords[5] + "@mysql.acme-corp.net/app\"\n");
    git_commit_all(repo.path(), "leaks");
    fs::remove(repo / "old.py");
    git_commit_all(repo.path(), "remove old");
    write_file(repo.path(), "staged.py", "URL = \"postgresql://st:" + k_passwords[6] + "@db.staging-acme.net/st\"\n");
    git(repo.path(), {"add", "staged.py"});
  }

  RunOptions options() const
  {
    RunOptions o;
    o.cwd = repo.path();
    o.env["HOME"] = home.path();
    o.env["TMPDIR"] = home.path();
    o.env["XDG_CACHE_HOME"] = home / "cache";
    o.env["NO_COLOR"] = "1";
    o.env["PATH"] = std::string("/usr/bin:/bin");
    return o;
  }

  RunResult go(const std::vector<std::string>& args, const std::string& stdin_data = "")
  {
    RunOptions o = options();
    o.stdin_data = stdin_data;
    auto r = dsnguard(args, o);
    std::string label;
    for (const auto& a : args) {
      label += a + " ";
    }
    transcripts.emplace_back(label, r.out + r.err);
    return r;
  }
};

// Passwords (or a 6-byte prefix of one, to catch partial redaction) found in `text`.
std::vector<std::string> leaked(const std::string& text)
{
  std::vector<std::string> found;
  for (const auto& pw : k_passwords) {
    if (text.find(pw) != std::string::npos || text.find(pw.substr(0, 6)) != std::string::npos) {
      found.push_back(pw);
    }
  }
  return found;
}

}  // namespace

TEST(SecretHygiene, NoPasswordInAnyOutputWithoutNoRedact)
{
  Hygiene h;
  const std::string o = h.out.path();
  std::vector<std::string> files;  // every file dsnguard was asked to write

  // Every report format of every reporting command.
  for (const char* fmt : {"text", "json", "sarif"}) {
    for (const std::vector<std::string>& mode : std::vector<std::vector<std::string>>{{}, {"--history"}, {"--staged"}}) {
      std::vector<std::string> args{"scan", "--format", fmt, "--min-confidence", "low", "--show-suppressed"};
      args.insert(args.end(), mode.begin(), mode.end());
      const auto r = h.go(args);
      EXPECT_TRUE(r.exit_code == 1) << args[2] << " " << (mode.empty() ? "" : mode[0]) << ": " << r.err;
      const std::string file = o + "/scan-" + fmt + std::to_string(mode.size()) + (mode.empty() ? "" : mode[0].substr(2));
      args.insert(args.end(), {"--output", file});
      h.go(args);
      files.push_back(file);
    }
    h.go({"lint", "--format", fmt});
    h.go({"lint", "--format", fmt, "--output", o + "/lint." + fmt});
    files.push_back(o + "/lint." + fmt);
  }
  for (const char* fmt : {"markdown", "html", "json", "sarif", "text"}) {
    const std::string file = o + "/audit." + fmt;
    h.go({"audit", "--format", fmt, "--output", file});
    files.push_back(file);
    h.go({"audit", "--format", fmt});
  }
  // Pre-push: every commit is new to the remote.
  const std::string head = [&] {
    std::string s = git(h.repo.path(), {"rev-parse", "HEAD"});
    while (!s.empty() && s.back() == '\n') s.pop_back();
    return s;
  }();
  h.go({"scan", "--pre-push", "origin"},
       "refs/heads/main " + head + " refs/heads/main " + std::string(40, '0') + "\n");
  // Baseline: written, then used.
  const std::string baseline = o + "/known.baseline";
  h.go({"scan", "--history", "--write-baseline", baseline});
  files.push_back(baseline);
  h.go({"scan", "--history", "--baseline", baseline, "--show-suppressed"});
  // Error paths that see the credential: verify against a closed loopback port, a URL that does not parse,
  // and --verify (refused: loopback without --verify-private).
  h.go({"verify", "--url", "postgresql://app:" + k_passwords[0] + "@127.0.0.1:1/app?sslmode=disable", "--timeout", "2"});
  h.go({"verify", "--url", "postgresql://app:" + k_passwords[0] + "@127.0.0.1:99999/app", "--format", "json"});
  h.go({"verify", "--env-file", ".env", "--timeout", "1"});
  h.go({"scan", "--verify", "--format", "json"});
  // Hooks: the installed file holds no secret.
  h.go({"install-hook"});
  files.push_back(h.repo / ".git/hooks/pre-commit");

  // Progress output: only on a terminal, so run the history scan under a pseudo-terminal.
  {
    RunOptions po = h.options();
    const auto r = run({"script", "-qec", binary_path() + " scan --history", "/dev/null"}, po);
    h.transcripts.emplace_back("scan --history (pty)", r.out + r.err);
  }

  for (const auto& [what, text] : h.transcripts) {
    EXPECT_TRUE(leaked(text).empty()) << "'" << what << "' printed " << leaked(text).front();
  }
  for (const auto& f : files) {
    ASSERT_TRUE(fs::exists(f)) << f;
    const std::string text = read_file(f);
    EXPECT_FALSE(text.empty()) << f;
    EXPECT_TRUE(leaked(text).empty()) << f << " holds a password";
  }
  // Nothing else on disk: no cache, no temp file in HOME/TMPDIR, nothing new in the repository.
  for (const auto& e : fs::recursive_directory_iterator(h.home.path())) {
    if (e.is_regular_file()) {
      EXPECT_TRUE(leaked(read_file(e.path().string())).empty()) << e.path() << " holds a password";
    }
  }
  const std::string status = git(h.repo.path(), {"status", "--porcelain", "--ignored"});
  EXPECT_EQ(status, "A  staged.py\n") << "dsnguard wrote into the repository: " << status;
}

TEST(SecretHygiene, NoRedactShowsThePasswordsSoTheCheckAboveCanFail)
{
  Hygiene h;
  const auto r = h.go({"scan", "--history", "--format", "json", "--no-redact", "--min-confidence", "low"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto found = leaked(r.out);
  // Every committed password (all but the staged-only one) is in history.
  EXPECT_EQ(found.size(), k_passwords.size() - 1) << r.out;
  const auto staged = h.go({"scan", "--staged", "--no-redact"});
  EXPECT_NE(staged.out.find(k_passwords[6]), std::string::npos) << staged.out;
}

}  // namespace dsnguard::test
