// run_lint: reads the work tree once (project facts + connection-string candidates), then runs the .gitignore,
// URL and project checks.
#include <algorithm>
#include <filesystem>
#include <map>

#include "dsn/judge.hpp"
#include "lint/checks.hpp"
#include "lint/env_checks.hpp"
#include "lint/lint.hpp"
#include "lint/project.hpp"
#include "lint/url_checks.hpp"
#include "lint/url_scan.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

namespace dsnguard::lint {

namespace {

// A candidate with owned text (the file contents are not kept).
struct Site {
  UrlSite site;
  std::string raw;
  bool env_file = false;
  bool template_file = false;
};

bool secretish_name(std::string_view key)
{
  const std::string k = util::to_lower(key);
  for (const char* w : {"password", "passwd", "pwd", "secret", "token", "api_key", "apikey", "private_key",
                        "credential", "auth"}) {
    if (k.find(w) != std::string::npos) {
      return true;
    }
  }
  return false;
}

bool placeholder_value(std::string_view v, std::string_view key)
{
  if (v.empty()) {
    return true;
  }
  const auto kind = dsn::classify_password(v, {});
  if (kind != dsn::PasswordKind::literal) {
    return true;
  }
  const std::string l = util::to_lower(v);
  for (const char* w : {"change", "your", "example", "placeholder", "xxx", "todo", "replace", "secret", "password",
                        "dummy", "sample", "<", "${", "{{"}) {
    if (l.find(w) != std::string::npos) {
      return true;
    }
  }
  (void)key;
  return false;
}

// KEY=VALUE lines of an env file: (key, value, line).
struct EnvLine {
  std::string key;
  std::string value;
  std::uint32_t line = 0;
};
std::vector<EnvLine> env_lines(std::string_view text)
{
  std::vector<EnvLine> out;
  std::uint32_t n = 0;
  for (auto line : util::split(text, '\n')) {
    ++n;
    auto l = util::trim(line);
    if (l.empty() || l.front() == '#') {
      continue;
    }
    if (l.substr(0, 7) == "export ") {
      l = util::trim(l.substr(7));
    }
    const auto eq = l.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      continue;
    }
    auto value = util::trim(l.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    } else if (const auto hash = value.find(" #"); hash != std::string_view::npos) {
      value = util::trim(value.substr(0, hash));
    }
    out.push_back({std::string(util::trim(l.substr(0, eq))), std::string(value), n});
  }
  return out;
}

std::string basename_of(const std::string& path)
{
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

core::Expected<LintResult> run_lint(const core::RepoView& repo, const LintOptions& options)
{
  LintResult result;
  DSNGUARD_TRY_ASSIGN(const auto files, repo.worktree_files());
  ProjectFacts facts;
  std::map<std::string, std::vector<std::string>> secret_names;
  std::vector<Site> sites;
  std::vector<core::Finding> template_findings;

  for (const auto& path : files) {
    const bool env = is_env_file_name(path);
    const bool tmpl = env && is_env_template_name(path);
    if (repo.is_git() && !env) {
      // Ignored files are not part of the project (build output, virtualenvs); ignored .env files are read.
      DSNGUARD_TRY_ASSIGN(const auto state, repo.track_state(path));
      if (state == core::TrackState::ignored) {
        continue;
      }
    }
    const std::string full = repo.root() + "/" + path;
    std::error_code ec;
    const auto size = std::filesystem::file_size(full, ec);
    if (!ec && size > options.max_file_size) {
      result.skipped.push_back({path, core::Skipped::Reason::too_large, std::to_string(size) + " bytes"});
      continue;
    }
    auto read = util::read_file(full);
    if (!read.ok) {
      result.skipped.push_back({path, core::Skipped::Reason::unreadable, read.error});
      result.incomplete = true;
      continue;
    }
    if (util::looks_binary(read.data)) {
      result.skipped.push_back({path, core::Skipped::Reason::binary, ""});
      continue;
    }
    ++result.files_scanned;
    result.bytes_scanned += read.data.size();
    const std::string_view text = read.data;
    observe_file(path, text, facts, result.findings);

    if (env) {
      for (const auto& l : env_lines(text)) {
        // A connection string counts when it carries a literal password (DATABASE_URL, REDIS_URL, ...).
        const auto ui = raw_userinfo(l.value);
        const bool url_with_password =
          ui.has_password && ui.password_length > 0
          && !placeholder_value(std::string_view(l.value).substr(ui.password_offset, ui.password_length), l.key);
        if (url_with_password) {
          secret_names[path].push_back(l.key);
          continue;
        }
        if (!secretish_name(l.key) || placeholder_value(l.value, l.key)) {
          continue;
        }
        secret_names[path].push_back(l.key);
        // A template holding a high-entropy value under a secret-looking name (URLs are judged below).
        if (tmpl && l.value.find("://") == std::string::npos && l.value.size() >= 16 && util::entropy(l.value) >= 3.5) {
          template_findings.push_back(make_finding(
            "G006", path, l.line, static_cast<std::uint32_t>(1),
            "The template " + util::printable(path) + " is committed on purpose, but " + util::printable(l.key)
              + " holds a real-looking secret.",
            "Replace the value with a placeholder (" + util::printable(l.key) + "=changeme) and rotate the secret.",
            util::printable(l.key) + "=****"));
        }
      }
    }
    const bool source = is_source_code(path);
    const bool migration = basename_of(path) == "alembic.ini";
    for (const auto& c : find_url_candidates(text)) {
      Site s;
      s.raw = std::string(c.text);
      s.site.path = path;
      s.site.line = line_at(text, c.offset);
      s.site.column = column_at(text, c.offset);
      s.site.key = c.key;
      s.site.keyvalue = c.keyvalue;
      s.site.in_source_code = source;
      s.site.migration_config = migration;
      s.env_file = env;
      s.template_file = tmpl;
      sites.push_back(std::move(s));
    }
  }
  if (options.database_url_env && !options.database_url_env->empty()) {
    Site s;
    s.raw = *options.database_url_env;
    s.site.path = "$DATABASE_URL";
    s.site.key = "DATABASE_URL";
    s.site.keyvalue = s.raw.find("://") == std::string::npos;
    sites.push_back(std::move(s));
  }

  EnvCheckInput env_input;
  env_input.files = &files;
  env_input.project_reads_env = facts.reads_env;
  env_input.secret_names = &secret_names;
  DSNGUARD_TRY(check_env_files(repo, env_input, result));

  std::vector<dsn::ConnInfo> project_urls;
  std::vector<std::string> missing_drivers;
  for (auto& s : sites) {
    s.site.raw = s.raw;
    auto info = check_url(s.site, facts, result.findings);
    if (!info) {
      continue;
    }
    if (s.env_file || s.site.path == "$DATABASE_URL") {
      project_urls.push_back(*info);
    }
    if (s.template_file && info->password && !info->password->empty() && dsn::judge(*info, s.site.path).report) {
      result.findings.push_back(make_finding(
        "G006", s.site.path, s.site.line, s.site.column,
        "The template " + util::printable(s.site.path)
          + " is committed on purpose, but this connection string holds a real-looking password.",
        "Replace the password with a placeholder (e.g. ${DB_PASSWORD} or changeme) and rotate it.",
        redact_raw(s.raw)));
    }
    if (!s.template_file && !dsn::is_low_trust_path(s.site.path)) {
      // One P005 per missing driver: the first place that needs it.
      std::vector<core::Finding> driver;
      check_driver(facts, *info, s.site.path, s.site.line, s.site.column, redact_raw(s.raw), driver);
      for (auto& f : driver) {
        if (std::find(missing_drivers.begin(), missing_drivers.end(), f.fix) == missing_drivers.end()) {
          missing_drivers.push_back(f.fix);
          result.findings.push_back(std::move(f));
        }
      }
    }
  }
  for (auto& f : template_findings) {
    result.findings.push_back(std::move(f));
  }
  check_engine_calls(facts, project_urls, result.findings);
  return result;
}

}  // namespace dsnguard::lint
