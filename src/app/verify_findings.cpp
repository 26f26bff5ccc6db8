// scan/audit --verify: does a leaked PostgreSQL credential still open a database? Runs before redaction (see
// finalize_findings in app/pipeline.cpp), so Finding::secret still holds the decoded password.
#include "app/verify_findings.hpp"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "app/pipeline.hpp"
#include "verify/postgres_check.hpp"

namespace dsnguard::app {

namespace {

struct Credential {
  std::string host;
  std::string port;
  std::string database;
  std::string user;
  std::string sslmode;
  std::string password;

  std::string account() const { return host + '\n' + port + '\n' + database + '\n' + user; }
  std::string key() const { return account() + '\n' + sslmode + '\n' + password; }
};

bool is_candidate(const core::Finding& f)
{
  return !f.suppressed && f.kind == core::FindingKind::secret && f.attribute("family") == "postgresql"
         && !f.secret.empty();
}

}  // namespace

void verify_findings_with(core::Report& report, const CredentialChecker& checker)
{
  // Distinct credentials in first-seen order, and which findings use each.
  std::vector<Credential> credentials;
  std::map<std::string, std::size_t> index_of;
  std::vector<std::vector<std::size_t>> users;
  for (std::size_t i = 0; i < report.findings.size(); ++i) {
    const auto& f = report.findings[i];
    if (!is_candidate(f)) {
      continue;
    }
    // "hosts" lists every host of a multi-host URL (libpq tries them in order); "host" is the first.
    const std::string hosts = f.attribute("hosts").empty() ? f.attribute("host") : f.attribute("hosts");
    Credential c{hosts, f.attribute("port"), f.attribute("database"), f.attribute("user"),
                 f.attribute("sslmode"), f.secret};
    const auto [it, inserted] = index_of.emplace(c.key(), credentials.size());
    if (inserted) {
      credentials.push_back(std::move(c));
      users.emplace_back();
    }
    users[it->second].push_back(i);
  }
  if (credentials.empty()) {
    report.summary.notes.push_back("--verify: no PostgreSQL credential to check");
    return;
  }

  // Lockout guard: many different passwords for one account look like password guessing to the server.
  std::vector<verify::LeakCheck> results(credentials.size());
  std::vector<std::size_t> to_try;
  std::map<std::string, std::size_t> passwords_per_account;
  for (std::size_t i = 0; i < credentials.size(); ++i) {
    if (++passwords_per_account[credentials[i].account()] > k_verify_passwords_per_account) {
      results[i] = {core::VerifyState::error,
                    "not tried: more than " + std::to_string(k_verify_passwords_per_account)
                      + " different passwords for this account (lockout protection)"};
    } else {
      to_try.push_back(i);
    }
  }
  verify::run_parallel(to_try.size(), k_verify_parallel, [&](std::size_t n) {
    const Credential& c = credentials[to_try[n]];
    const auto target = verify::make_target(c.host, c.port, c.database, c.user, c.password, c.sslmode);
    results[to_try[n]] = checker(target);
  });

  std::map<core::VerifyState, std::size_t> counts;
  for (std::size_t i = 0; i < credentials.size(); ++i) {
    ++counts[results[i].state];
    for (const std::size_t f : users[i]) {
      report.findings[f].verification = results[i].state;
      report.findings[f].verification_detail = results[i].detail;
    }
  }
  std::string line = "--verify: " + std::to_string(credentials.size()) + " credential"
                     + (credentials.size() == 1 ? "" : "s") + " checked:";
  bool first = true;
  for (const auto& [state, n] : counts) {
    line += std::string(first ? " " : ", ") + std::to_string(n) + " " + std::string(core::to_string(state));
    first = false;
  }
  if (counts.count(core::VerifyState::refused) != 0) {
    line += " (loopback/private targets need --verify-private)";
  }
  report.summary.notes.push_back(line);  // reporters print it (text "note:", JSON summary.notes)
}

void verify_findings(core::Report& report, const Options& options, std::ostream& /*err: results are notes*/)
{
  if (!options.verify) {
    return;
  }
  // Only the finding decides where dsnguard connects: no PG* variable (PGHOST, PGSSLMODE, ...) may change it.
  verify::isolate_environment();
  const double timeout = options.timeout_seconds;
  const bool allow_private = options.verify_private;
  verify_findings_with(report,
                       [timeout, allow_private](const verify::Target& target) {
                         return verify::check_leaked_credential(target, timeout, allow_private);
                       });
}

}  // namespace dsnguard::app
