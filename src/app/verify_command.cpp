// `dsnguard verify`: connect with the configured URL and run SELECT 1 under one deadline, then report the
// outcome (or exactly one triage class) and exit with that class's code (verify/triage.hpp, docs/verify.md).
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sstream>

#include "app/commands.hpp"
#include "app/exit_codes.hpp"
#include "core/verify_report.hpp"
#include "dsn/conninfo.hpp"
#include "dsn/judge.hpp"
#include "lint/url_checks.hpp"
#include "report/verify_reporter.hpp"
#include "util/dotenv.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"
#include "verify/postgres_check.hpp"
#include "verify/target.hpp"
#include "verify/triage.hpp"

namespace dsnguard::app {

namespace {

namespace fs = std::filesystem;

struct LocatedUrl {
  std::string url;
  std::string source;  // "--url", "$DATABASE_URL", "<file>:<line>"
};

// The repository root containing `path` (the nearest directory with a .git entry), else `path` itself.
fs::path repo_root(const std::string& path)
{
  std::error_code ec;
  fs::path p = fs::absolute(path, ec);
  if (fs::is_regular_file(p, ec)) {
    p = p.parent_path();
  }
  for (fs::path dir = p; !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / ".git", ec)) {
      return dir;
    }
    if (dir == dir.parent_path()) {
      break;
    }
  }
  return p;
}

core::Expected<LocatedUrl> url_from_env_file(const std::string& file, const std::string& var)
{
  const auto read = util::read_file(file);
  if (!read.ok) {
    return core::fail(core::ErrorCode::not_found, "cannot read " + file + ": " + read.error);
  }
  const auto entries = util::parse_dotenv(read.data, [](const std::string& name) -> std::optional<std::string> {
    if (const char* v = std::getenv(name.c_str())) {
      return std::string(v);
    }
    return std::nullopt;
  });
  const auto* entry = util::find_dotenv(entries, var);
  if (entry == nullptr || util::trim(entry->value).empty()) {
    return core::fail(core::ErrorCode::not_found, file + " does not set " + var);
  }
  return LocatedUrl{entry->value, file + ":" + std::to_string(entry->line)};
}

// --url, else an explicit --env-file, else $VAR, else VAR in <repo>/.env.
core::Expected<LocatedUrl> locate_url(const Options& options)
{
  if (!options.url.empty()) {
    return LocatedUrl{options.url, "--url"};
  }
  if (!options.env_file.empty()) {
    return url_from_env_file(options.env_file, options.var);
  }
  if (const char* v = std::getenv(options.var.c_str()); v != nullptr && *v != '\0') {
    return LocatedUrl{v, "$" + options.var};
  }
  const fs::path env = repo_root(options.path) / ".env";
  std::error_code ec;
  if (!fs::exists(env, ec)) {
    return core::fail(core::ErrorCode::not_found, "no URL to verify: pass --url, set $" + options.var + ", or add "
                                                    + options.var + " to " + env.string());
  }
  return url_from_env_file(env.string(), options.var);
}

// Fallback pooler check while the dsn module is not available: Neon "-pooler." hosts, Supabase's Supavisor,
// PgBouncer's and Supavisor's customary ports.
bool looks_like_pooler(const std::string& hosts, const std::string& ports)
{
  const std::string h = util::to_lower(hosts);
  if (h.find("-pooler.") != std::string::npos || h.find("pooler.supabase.com") != std::string::npos
      || h.find("pgbouncer") != std::string::npos) {
    return true;
  }
  for (const auto p : util::split(ports, ',')) {
    if (p == "6432" || p == "6543") {
      return true;
    }
  }
  return false;
}

void describe_target(core::VerifyReport& report, const verify::Target& target)
{
  report.host = target.param("host").value_or("");
  report.port = target.param("port").value_or("");
  report.user = target.param("user").value_or("");
  report.database = target.param("dbname").value_or("");
  report.sslmode = target.param("sslmode").value_or("");
  if (auto info = dsn::parse_any(report.url)) {
    report.pooler = dsn::is_pooler(*info);
  }
  report.pooler = report.pooler || looks_like_pooler(report.host, report.port);
  for (const auto h : util::split(report.host, ',')) {
    if (const auto provider = dsn::provider_of(h)) {
      report.provider = *provider;
      break;
    }
  }
}

// Lint's URL checks on the URL to verify, one note per finding ("lint L010 (warning): ...").
std::vector<std::string> lint_url(const LocatedUrl& located, const std::string& var)
{
  lint::UrlSite site;
  site.path = located.source;
  site.raw = located.url;
  site.key = var;
  site.keyvalue = located.url.find("://") == std::string::npos;
  lint::ProjectFacts facts;
  std::vector<core::Finding> findings;
  lint::check_url(site, facts, findings);
  std::vector<std::string> notes;
  for (const auto& f : findings) {
    notes.push_back("lint " + f.rule_id + " (" + std::string(core::to_string(f.severity)) + "): " + f.message);
  }
  return notes;
}

int write_out(const core::VerifyReport& report, const Options& options, std::ostream& out, std::ostream& err)
{
  const bool to_stdout = options.output.empty() || options.output == "-";
  std::ostringstream buffer;
  auto written = report::write_verify_report(to_stdout ? out : buffer, report, options.format);
  if (!written) {
    err << "dsnguard: " << written.error().message << "\n";
    return k_exit_usage;
  }
  if (!to_stdout) {
    const std::string error = util::write_file_atomic(options.output, buffer.str());
    if (!error.empty()) {
      err << "dsnguard: cannot write report to '" << options.output << "': " << error << "\n";
      return k_exit_incomplete;
    }
  }
  out.flush();
  return report.exit_code;
}

}  // namespace

int run_verify(const Options& options, std::ostream& out, std::ostream& err)
{
  if (options.format != core::Format::text && options.format != core::Format::json) {
    err << "dsnguard: verify supports --format text or json\n";
    return k_exit_usage;
  }
  const auto located = locate_url(options);
  if (!located) {
    err << "dsnguard: " << located.error().message << "\n";
    return k_exit_usage;
  }
  core::VerifyReport report;
  report.url_source = located->source;
  report.url = verify::mask_url(located->url);

  // The URL is linted first (lint's URL checks, issue 4); its findings become notes of the report. Then
  // prepare_url validates what would make the live check meaningless or unsafe (scheme, libpq's own parse,
  // sslmode / channel_binding / gssencmode / target_session_attrs values, ports) and stops on a bad URL.
  const auto lint_notes = lint_url(*located, options.var);
  auto target = verify::prepare_url(located->url);
  if (!target) {
    report.triage = core::TriageClass::bad_url;
    report.exit_code = verify::exit_code_for(report.triage);
    report.stage = "url";
    report.message = target.error().message;
    report.check = "fix the URL (" + report.url_source + ")";
    err << "dsnguard: " << report.message << "\n";
    return write_out(report, options, out, err);
  }
  report.url = target->masked_url;
  report.notes = target->notes;
  for (const auto& n : lint_notes) {
    report.notes.push_back(verify::scrub(n, target->secrets));
  }
  describe_target(report, *target);

  if (options.isolated) {
    if (target->param("service")) {
      err << "dsnguard: --isolated: the URL names a service (service=...), which only a service file can resolve\n";
      return k_exit_usage;
    }
    verify::isolate_environment();
    report.notes.push_back("isolated: PG* environment variables, ~/.pgpass and service files ignored");
  }

  verify::CheckResult last;
  for (unsigned round = 0; round < std::max(1u, options.repeat); ++round) {
    verify::CheckOptions check;
    check.deadline = std::chrono::steady_clock::now()
                     + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                       std::chrono::duration<double>(options.timeout_seconds));
    check.isolated = options.isolated;
    last = verify::check_postgres(*target, check);
    report.rounds.push_back(last.round);
    if (!last.ok) {
      break;
    }
  }
  if (!last.host.empty()) {
    report.host = last.host;
  }
  if (!last.port.empty()) {
    report.port = last.port;
  }
  report.hostaddr = last.hostaddr;
  report.user = last.user.empty() ? report.user : last.user;
  report.database = last.database.empty() ? report.database : last.database;
  report.used_password = last.used_password;
  if (last.ok) {
    report.triage = core::TriageClass::ok;
    report.server_version = last.server_version;
    report.tls_in_use = last.tls_in_use;
    report.tls_protocol = last.tls_protocol;
    report.tls_cipher = last.tls_cipher;
  } else {
    report.triage = last.triage;
    report.stage = last.stage;
    report.sqlstate = last.sqlstate;
    report.message = last.message;
    report.check = last.check;
  }
  report.exit_code = verify::exit_code_for(report.triage);
  return write_out(report, options, out, err);
}

}  // namespace dsnguard::app
