// The confidence ladder (detection-landscape.md section 2 "Design"): placeholders are not reported; weak or
// default credentials on local hosts are low; strong literals on local hosts are medium; literals on real hosts
// are high; documentation, test and template paths lower one step. Nothing real is dropped.
#include <algorithm>
#include <array>
#include <cctype>

#include "dsn/detail.hpp"
#include "dsn/judge.hpp"

namespace dsnguard::dsn {

namespace {

using core::Confidence;

Confidence lower_one(Confidence c)
{
  return c == Confidence::high ? Confidence::medium : Confidence::low;
}

bool ends_with(std::string_view s, std::string_view suffix)
{
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

struct Sample {
  std::string_view user;      // "" = any
  std::string_view password;  // exact, case-sensitive
  std::string_view host;      // "" = any
};

// Published tutorial and quick-start credentials (framework docs, Docker image docs, driver READMEs).
constexpr std::array<Sample, 18> k_samples = {{
    {"scott", "tiger", ""},                                  // SQLAlchemy / Oracle tutorials
    {"johndoe", "randompassword", ""},                       // Prisma quick start
    {"janedoe", "mypassword", ""},                           // Prisma docs
    {"dbuser", "secretpassword", "database.server.com"},     // node-postgres docs
    {"someuser", "somepassword", ""},                        // pg-connection-string README
    {"guest", "guest", ""},                                  // RabbitMQ default
    {"sa", "yourStrong(!)Password", ""},                     // mcr.microsoft.com/mssql docs
    {"sa", "YourStrong@Passw0rd", ""},
    {"sa", "YourStrong!Passw0rd", ""},
    {"sa", "<YourStrong@Passw0rd>", ""},
    {"postgres", "mysecretpassword", ""},                    // Docker Hub postgres image
    {"root", "example", ""},                                 // Docker Hub mongo / mysql compose examples
    {"postgres", "example", ""},
    {"foo", "foo", "heroku.com"},                            // dj-database-url README
    {"user", "secret", "example.com"},
    {"", "somewordpress", ""},                               // Docker docs WordPress sample
    {"", "my-secret-pw", ""},                                // Docker Hub mysql image
    {"", "P@ssw0rd", ""},
}};

}  // namespace

bool is_known_sample(const ConnInfo& info)
{
  if (!info.password) {
    return false;
  }
  // SQLAlchemy's test and doc configurations vary the classic pair ("tiger^5HHH" for SQL Server rules).
  if (info.user == "scott" && info.password->rfind("tiger", 0) == 0) {
    return true;
  }
  const std::string user = info.user.value_or("");
  const std::string host = info.hosts.empty() ? std::string() : detail::lower(info.hosts.front().host);
  for (const auto& s : k_samples) {
    if (*info.password == s.password && (s.user.empty() || user == s.user) && (s.host.empty() || host == s.host)) {
      return true;
    }
  }
  return false;
}

bool is_low_trust_path(std::string_view path_in)
{
  const std::string path = detail::lower(path_in);
  const auto slash = path.rfind('/');
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  // Directory components.
  static constexpr std::array<std::string_view, 22> k_dirs = {
      "test",    "tests",    "__tests__", "spec",      "specs",   "testdata", "test-data", "test_data",
      "fixture", "fixtures", "docs",      "doc",       "example", "examples", "sample",    "samples",
      "demo",    "demos",    "e2e",       "testing",   "mocks",   "__mocks__"};
  std::size_t start = 0;
  while (true) {
    const auto next = path.find('/', start);
    if (next == std::string::npos) {
      break;
    }
    const auto dir = std::string_view(path).substr(start, next - start);
    if (std::find(k_dirs.begin(), k_dirs.end(), dir) != k_dirs.end()) {
      return true;
    }
    start = next + 1;
  }
  if (name.rfind("readme", 0) == 0 || name.rfind("changelog", 0) == 0 || name.rfind("contributing", 0) == 0) {
    return true;
  }
  for (const std::string_view ext : {".md", ".markdown", ".rst", ".adoc", ".ipynb", ".mdx", ".html"}) {
    if (ends_with(name, ext)) {
      return true;
    }
  }
  for (const std::string_view tmpl : {".example", ".sample", ".template", ".tmpl", ".tpl", ".dist", ".defaults",
                                      ".default", ".skel", ".orig"}) {
    if (ends_with(name, tmpl)) {
      return true;
    }
  }
  if (name.find(".example.") != std::string::npos || name.find(".sample.") != std::string::npos
      || name.find(".template.") != std::string::npos) {
    return true;
  }
  // Test file names: *_test.go, test_*.py, *_test.py, *.test.js, *.spec.ts, *Test.java, conftest.py.
  if (name.rfind("test_", 0) == 0 || name == "conftest.py" || name.find("_test.") != std::string::npos
      || name.find(".test.") != std::string::npos || name.find(".spec.") != std::string::npos
      || name.find("_spec.") != std::string::npos) {
    return true;
  }
  const std::string original_name(slash == std::string::npos ? path_in : path_in.substr(slash + 1));
  for (const std::string_view suffix : {"Test.java", "Tests.java", "Test.kt", "Tests.cs", "Test.cs", "IT.java"}) {
    if (ends_with(original_name, suffix)) {
      return true;
    }
  }
  return false;
}

bool is_container_config_path(std::string_view path_in)
{
  const std::string path = detail::lower(path_in);
  const auto slash = path.rfind('/');
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  // CI pipeline files: database passwords there configure service containers of the CI job.
  if (path.find(".github/workflows/") != std::string::npos || name == ".gitlab-ci.yml" || name == ".travis.yml"
      || name == "bitbucket-pipelines.yml" || path.find(".circleci/") != std::string::npos
      || name == "azure-pipelines.yml" || path.find(".woodpecker") != std::string::npos) {
    return true;
  }
  return name.rfind("docker-compose", 0) == 0 || name.rfind("compose.", 0) == 0 || name.rfind("compose-", 0) == 0
         || name.rfind("dockerfile", 0) == 0 || ends_with(name, ".dockerfile") || name.rfind("containerfile", 0) == 0;
}

Verdict judge(const ConnInfo& info, std::string_view path)
{
  Verdict v;
  if (!info.password) {
    v.reason = "no password";
    return v;
  }
  std::string_view password = *info.password;
  if (const auto lit = shell_default_literal(password)) {
    password = password.substr(lit->offset, lit->length);
  }
  const std::string user = info.user.value_or("");
  // Templates written with '%' (Windows %VAR%, Python %(name)s) can percent-decode into bytes that look literal.
  if (!info.raw_password.empty() && info.raw_password != *info.password) {
    const std::string& raw = info.raw_password;
    const bool windows_var = raw.size() >= 3 && raw.front() == '%' && raw.back() == '%'
                             && std::all_of(raw.begin() + 1, raw.end() - 1, [](char ch) {
                                  return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_';
                                });
    const bool py_format = raw.find("%(") != std::string::npos && raw.find(")s") != std::string::npos;
    if (windows_var || py_format) {
      v.reason = "interpolated password";
      return v;
    }
  }
  switch (classify_password(password, user)) {
  case PasswordKind::empty: v.reason = "empty password"; return v;
  case PasswordKind::interpolation: v.reason = "interpolated password"; return v;
  case PasswordKind::placeholder: v.reason = "placeholder password"; return v;
  case PasswordKind::encrypted: v.reason = "encrypted password"; return v;
  case PasswordKind::redacted: v.reason = "masked password"; return v;
  case PasswordKind::literal: break;
  }
  const bool weak = is_weak_password(password, user);
  bool any_real = false;
  bool any_private = false;
  bool any_documentation = false;
  bool all_documentation = !info.hosts.empty();
  // Hosts that are not names: a .pgpass '*' matches every server; Snowflake's "host" is an account identifier.
  const bool account_host = info.scheme.rfind("snowflake", 0) == 0;
  for (const auto& hp : info.hosts) {
    const auto kind = (hp.host == "*" || (account_host && !hp.host.empty())) ? HostKind::public_host : classify_host(hp.host);
    any_documentation = any_documentation || kind == HostKind::documentation;
    all_documentation = all_documentation && kind == HostKind::documentation;
    if (kind == HostKind::public_host || kind == HostKind::managed) {
      any_real = true;
    } else if (kind == HostKind::private_net || kind == HostKind::link_local || kind == HostKind::cgnat) {
      any_private = true;
    }
  }
  v.report = true;
  if (all_documentation) {
    if (weak) {
      v.report = false;
      v.reason = "weak password on a documentation host";
      return v;
    }
    v.confidence = Confidence::low;
    v.reason = "literal password on a documentation host";
  } else if (is_known_sample(info)) {
    v.confidence = Confidence::low;
    v.reason = "published sample credentials";
  } else if (any_real) {
    v.confidence = Confidence::high;
    v.reason = weak ? "weak password on a remote host" : "literal password on a remote host";
  } else if (any_private) {
    v.confidence = weak ? Confidence::medium : Confidence::high;
    v.reason = weak ? "weak password on a private-network host" : "literal password on a private-network host";
  } else if (info.hosts.empty() && is_container_config_path(path)) {
    // POSTGRES_PASSWORD in a compose file or Dockerfile configures the container itself: a local service.
    v.confidence = weak ? Confidence::low : Confidence::medium;
    v.reason = weak ? "weak or default password for a local container" : "literal password for a local container";
  } else if (info.hosts.empty()) {
    // Assignments and driver arguments without a known host.
    v.confidence = weak ? Confidence::low : Confidence::high;
    v.reason = weak ? "weak or default password" : "literal password";
  } else {
    v.confidence = weak ? Confidence::low : Confidence::medium;
    v.reason = weak ? "weak or default password on a local host" : "literal password on a local host";
  }
  if (is_low_trust_path(path) && v.confidence != Confidence::low) {
    v.confidence = lower_one(v.confidence);
    v.reason += " (documentation, test or template file)";
  }
  return v;
}

std::string secret_key(const ConnInfo& info)
{
  std::string key = info.family;
  key += '\n';
  key += info.user.value_or("");
  key += '\n';
  for (std::size_t i = 0; i < info.hosts.size(); ++i) {
    if (i > 0) {
      key += ',';
    }
    key += detail::lower(info.hosts[i].host);
  }
  key += '\n';
  key += info.password.value_or("");
  return key;
}

}  // namespace dsnguard::dsn
