#include "report/remediation.hpp"

#include "util/strings.hpp"

namespace dsnguard::report {

namespace {

bool host_ends_with(const std::string& host, std::string_view suffix)
{
  return util::ends_with_icase(host, suffix);
}

// Escapes `s` for a Python regular expression (git filter-repo's regex: lines use Python's re).
std::string regex_escape(const std::string& s)
{
  std::string out;
  for (const char c : s) {
    if (std::string_view(".^$*+?{}[]\\|()").find(c) != std::string_view::npos) {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  return out;
}

// A file that should not be in the repository at all: remove the path from every commit.
bool purge_whole_file(const core::Finding& f)
{
  if (f.kind == core::FindingKind::env_file) {
    return true;
  }
  for (const auto& o : f.occurrences) {
    if (o.path == f.location.path && o.at_head) {
      return false;
    }
  }
  return !f.occurrences.empty();  // seen only in history: the file is gone from HEAD
}

}  // namespace

std::string shell_quote(const std::string& s)
{
  std::string out = "'";
  for (const char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

std::string detect_provider(const core::Finding& f)
{
  const auto given = util::to_lower(f.attribute("provider"));
  for (const char* p : {"neon", "supabase", "rds", "heroku"}) {
    if (given.find(p) != std::string::npos) {
      return p;
    }
  }
  const auto host = f.attribute("host");
  if (host_ends_with(host, ".neon.tech")) {
    return "neon";
  }
  if (host_ends_with(host, ".supabase.co") || host_ends_with(host, ".supabase.com")) {
    return "supabase";
  }
  if (host_ends_with(host, ".rds.amazonaws.com")) {
    return "rds";
  }
  // Heroku Postgres hosts are EC2 names (ec2-...compute-1.amazonaws.com).
  if (host_ends_with(host, ".compute-1.amazonaws.com") || host_ends_with(host, ".compute.amazonaws.com")) {
    return "heroku";
  }
  return "";
}

std::vector<std::string> rotation_steps(const core::Finding& f)
{
  std::vector<std::string> steps;
  if (f.kind == core::FindingKind::env_file) {
    steps.push_back("Treat every credential this file ever held as leaked: rotate each one (see the provider "
                    "notes below for database passwords).");
  }
  const auto provider = detect_provider(f);
  const std::string user = f.attribute("user").empty() ? "app_user" : f.attribute("user");
  if (provider == "neon") {
    steps.push_back("**Neon:** Console → your project → Branches → the branch → Roles → `" + user
                    + "` → Reset password (or the API: `POST /projects/{project_id}/branches/{branch_id}/roles/"
                    + user + "/reset_password`). Update the connection string wherever it is deployed.");
  } else if (provider == "supabase") {
    steps.push_back("**Supabase:** Dashboard → Project Settings → Database → Reset database password, then update "
                    "every service that uses the connection string (pooler URLs included).");
  } else if (provider == "rds") {
    steps.push_back("**Amazon RDS:** for the master user `aws rds modify-db-instance --db-instance-identifier <id> "
                    "--master-user-password '<new password>' --apply-immediately` (Aurora: `aws rds modify-db-cluster "
                    "--db-cluster-identifier <id> ...`), or let Secrets Manager own it with "
                    "`--manage-master-user-password`; other roles: the SQL below.");
  } else if (provider == "heroku") {
    steps.push_back("**Heroku Postgres:** `heroku pg:credentials:rotate DATABASE --app <app>` (the config var "
                    "DATABASE_URL is updated and dynos restart).");
  }
  if (f.kind == core::FindingKind::secret) {
    const auto scheme = util::to_lower(f.attribute("scheme"));
    if (scheme.find("mysql") != std::string::npos || scheme.find("mariadb") != std::string::npos) {
      steps.push_back("**Any MySQL/MariaDB:** `ALTER USER '" + user + "'@'%' IDENTIFIED BY '<new password>';`");
    } else {
      steps.push_back("**Any PostgreSQL:** `ALTER ROLE " + user
                      + " PASSWORD '<new password>';` (in psql, `\\password " + user
                      + "` keeps the new password out of logs and history).");
    }
  }
  steps.push_back("Store the new value only in the environment or a secret manager, and check the database logs for "
                  "connections you cannot account for since the credential was first committed.");
  return steps;
}

std::string purge_commands(const core::Finding& f)
{
  std::string out = "# In a fresh mirror clone (git filter-repo refuses to rewrite a used clone without --force):\n"
                    "git clone --mirror <repository-url> repo.git && cd repo.git\n";
  if (purge_whole_file(f)) {
    out += "git filter-repo --invert-paths --path " + shell_quote(f.location.path) + "\n";
    return out;
  }
  const auto user = f.attribute("user");
  const auto host = f.attribute("host");
  if (f.match.find("://") != std::string::npos && !user.empty() && !host.empty()) {
    // Matches the password between "user:" and "@host" whatever it is, so the file holds no secret.
    out += "cat > ../dsnguard-replacements.txt <<'EOF'\n";
    out += "regex:(://" + regex_escape(user) + ":)[^@\\s/]+(@" + regex_escape(host) + ")==>\\1REMOVED\\2\n";
    out += "EOF\n";
  } else {
    out += "# Put the leaked password in the expressions file yourself (this report never prints it):\n";
    out += "printf '%s==>REMOVED\\n' \"$LEAKED_PASSWORD\" > ../dsnguard-replacements.txt\n";
  }
  out += "git filter-repo --replace-text ../dsnguard-replacements.txt\n";
  out += "rm ../dsnguard-replacements.txt\n";
  return out;
}

}  // namespace dsnguard::report
