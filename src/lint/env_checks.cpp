#include "lint/env_checks.hpp"

#include <algorithm>

#include "lint/checks.hpp"
#include "util/strings.hpp"

namespace dsnguard::lint {

namespace {

std::string_view basename_of(std::string_view path)
{
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// Names probed even when no such file exists: what every project should ignore, and the line that does it.
struct Probe {
  const char* path;
  const char* line;
};
constexpr Probe k_probes[] = {
  {".env", ".env"},
  {".env.local", ".env.local"},
  {".env.development.local", ".env.*.local"},
  {".env.production.local", ".env.*.local"},
};

void add_unique(std::vector<std::string>& v, std::string s)
{
  if (std::find(v.begin(), v.end(), s) == v.end()) {
    v.push_back(std::move(s));
  }
}

std::string join(const std::vector<std::string>& v, std::string_view sep)
{
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) {
      out += sep;
    }
    out += s;
  }
  return out;
}

std::string quote(std::string_view s)
{
  return "'" + util::printable(s) + "'";
}

// A shell-safe single-quoted path for printed commands.
std::string shell_quote(std::string_view s)
{
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string where(const core::IgnoreVerdict& v)
{
  std::string out = v.source_file;
  if (v.line > 0) {
    out += ":" + std::to_string(v.line);
  }
  return out;
}

std::string rotation_advice(const std::string& path, const EnvCheckInput& input)
{
  if (input.secret_names != nullptr) {
    const auto it = input.secret_names->find(path);
    if (it != input.secret_names->end() && !it->second.empty()) {
      return "rotate every credential it held (" + join(it->second, ", ") + ")";
    }
  }
  return "rotate every credential it held";
}

}  // namespace

bool is_env_file_name(std::string_view path)
{
  const auto name = basename_of(path);
  if (name == ".env") {
    return true;
  }
  if (name.size() > 5 && name.substr(0, 5) == ".env.") {
    return true;
  }
  // "prod.env", "docker.env" (not "venv", not ".venv").
  return name.size() > 4 && name.substr(name.size() - 4) == ".env" && name.front() != '.';
}

bool is_env_template_name(std::string_view path)
{
  if (!is_env_file_name(path)) {
    return false;
  }
  for (auto part : util::split(basename_of(path), '.')) {
    const std::string p = util::to_lower(part);
    if (p == "example" || p == "examples" || p == "sample" || p == "template" || p == "dist" || p == "tmpl"
        || p == "tpl" || p == "defaults" || p == "default" || p == "schema") {
      return true;
    }
  }
  return false;
}

core::Expected<void> check_env_files(const core::RepoView& repo, const EnvCheckInput& input, LintResult& out)
{
  if (!repo.is_git()) {
    out.notes.push_back("not a git repository: .gitignore checks skipped");
    return {};
  }
  std::vector<std::string> covered_lines;  // ignore lines already demanded by a per-file finding
  if (input.files != nullptr) {
    for (const auto& path : *input.files) {
      if (!is_env_file_name(path) || is_env_template_name(path)) {
        continue;
      }
      const std::string line = std::string(basename_of(path));
      DSNGUARD_TRY_ASSIGN(const auto state, repo.track_state(path));
      if (state == core::TrackState::tracked) {
        // Ignore rules never apply to tracked files: an existing rule is not enough.
        DSNGUARD_TRY_ASSIGN(const bool already_ignored, repo.ignored_by_repo_rules(path));
        out.findings.push_back(make_finding(
          "G001", path, 1, 1,
          quote(path) + " is tracked by git, so every clone and the history hold the credentials in it"
            + (already_ignored ? " (.gitignore already lists it, but ignore rules do not apply to tracked files)."
                               : "."),
          "git rm --cached " + shell_quote(path) + (already_ignored ? "" : ", add " + quote(line) + " to .gitignore")
            + ", then " + rotation_advice(path, input) + "."));
        if (!already_ignored) {
          add_unique(out.ignore_lines, line);
        }
        add_unique(covered_lines, line);
        add_unique(out.manual_steps, "git rm --cached -- " + shell_quote(path));
        add_unique(out.manual_steps, "# " + rotation_advice(path, input) + " (" + util::printable(path)
                                       + " stays in the history: rewrite it or treat the values as leaked)");
        continue;
      }
      DSNGUARD_TRY_ASSIGN(const auto verdict, repo.ignore_verdict(path));
      if (state == core::TrackState::untracked_not_ignored || !verdict.ignored) {
        if (verdict.negated) {
          out.findings.push_back(make_finding(
            "G004", verdict.source_file.empty() ? ".gitignore" : verdict.source_file, verdict.line, 1,
            "The negation " + quote(verdict.pattern) + " re-includes the environment file " + quote(path)
              + ", so `git add .` will commit it.",
            "Delete the line " + quote(verdict.pattern) + " from " + where(verdict) + " (or add " + quote(line)
              + " after it)."));
        } else {
          out.findings.push_back(make_finding(
            "G002", path, 1, 1,
            quote(path) + " is not ignored by git: one `git add .` commits its credentials.",
            "Add " + quote(line) + " to .gitignore."));
        }
        add_unique(out.ignore_lines, line);
        add_unique(covered_lines, line);
        continue;
      }
      DSNGUARD_TRY_ASSIGN(const bool by_repo, repo.ignored_by_repo_rules(path));
      if (!by_repo) {
        const std::string which = verdict.scope == core::IgnoreScope::info_exclude ? ".git/info/exclude"
                                  : verdict.scope == core::IgnoreScope::global_excludes
                                    ? "the global excludes file (" + verdict.source_file + ")"
                                    : "info/exclude or the global excludes file";
        out.findings.push_back(make_finding(
          "G005", path, 1, 1,
          quote(path) + " is ignored only by " + which + ": that protects this machine, not the next clone.",
          "Add " + quote(line) + " to the repository's .gitignore and commit it."));
        add_unique(out.ignore_lines, line);
        add_unique(covered_lines, line);
      }
    }
  }

  // The usual names, whether or not such files exist yet.
  std::vector<std::string> missing;
  for (const auto& probe : k_probes) {
    DSNGUARD_TRY_ASSIGN(const auto verdict, repo.ignore_verdict(probe.path));
    if (!verdict.ignored && verdict.negated) {
      const bool exists = input.files != nullptr
                          && std::find(input.files->begin(), input.files->end(), probe.path) != input.files->end();
      if (!exists) {  // an existing file was already reported above
        out.findings.push_back(make_finding(
          "G004", verdict.source_file.empty() ? ".gitignore" : verdict.source_file, verdict.line, 1,
          "The negation " + quote(verdict.pattern) + " re-includes " + quote(probe.path)
            + ", an environment file that holds real credentials.",
          "Delete the line " + quote(verdict.pattern) + " from " + where(verdict) + "."));
        add_unique(out.ignore_lines, probe.line);
        add_unique(covered_lines, probe.line);
      }
    }
    DSNGUARD_TRY_ASSIGN(const bool by_repo, repo.ignored_by_repo_rules(probe.path));
    if (!by_repo) {
      add_unique(missing, probe.line);
    }
  }
  std::vector<std::string> to_add;
  for (const auto& l : missing) {
    if (std::find(covered_lines.begin(), covered_lines.end(), l) == covered_lines.end()) {
      to_add.push_back(l);
    }
  }
  if (input.project_reads_env && !to_add.empty()) {
    std::string lines;
    for (const auto& l : to_add) {
      lines += (lines.empty() ? "" : ", ") + quote(l);
    }
    out.findings.push_back(make_finding(
      "G003", ".gitignore", 0, 0,
      "The project reads DATABASE_URL from the environment, but the repository's ignore rules would not ignore "
        + lines + ": the first .env someone creates can be committed.",
      "Append these lines to .gitignore: " + join(to_add, " ")));
    for (auto& l : to_add) {
      add_unique(out.ignore_lines, l);
    }
  }
  return {};
}

}  // namespace dsnguard::lint
