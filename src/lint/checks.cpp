#include "lint/checks.hpp"

#include <algorithm>

#include "core/fingerprint.hpp"

namespace dsnguard::lint {

using core::Severity;

const std::vector<CheckInfo>& checks()
{
  static const std::vector<CheckInfo> k_checks = {
    {"G001", Severity::error, "environment file is tracked by git"},
    {"G002", Severity::error, "environment file is neither tracked nor ignored"},
    {"G003", Severity::warning, "the repository's .gitignore does not cover .env, .env.local and .env.*.local"},
    {"G004", Severity::error, "an ignore negation re-includes a real environment file"},
    {"G005", Severity::warning, "environment file is ignored only by info/exclude or a global excludes file"},
    {"G006", Severity::error, "template environment file holds a real-looking secret"},
    {"L002", Severity::warning, "scheme not understood by the consumer"},
    {"L003", Severity::error, "postgres:// scheme with SQLAlchemy 1.4 or later"},
    {"L004", Severity::error, "unencoded reserved character in the user or password"},
    {"L005", Severity::error, "invalid percent-escape"},
    {"L006", Severity::warning, "no database name"},
    {"L007", Severity::error, "port is not an integer between 1 and 65535"},
    {"L008", Severity::error, "query parameter libpq rejects"},
    {"L009", Severity::error, "invalid value for sslmode, channel_binding, target_session_attrs or gssencmode"},
    {"L010", Severity::warning, "remote host without sslmode=require or stronger"},
    {"L011", Severity::error, "sslmode=disable on a managed database host"},
    {"L013", Severity::info, "Neon host without channel_binding=require"},
    {"L014", Severity::error, "channel_binding=require with SSL disabled"},
    {"L015", Severity::error, "sslmode or channel_binding in a postgresql+asyncpg URL"},
    {"L016", Severity::warning, "connection pooler used for migrations"},
    {"L017", Severity::error, "startup options on a connection pooler"},
    {"L021", Severity::error, "connect_timeout is not an integer"},
    {"L024", Severity::warning, "fragment after the database name"},
    {"L027", Severity::error, "misspelled or upper-case PostgreSQL scheme"},
    {"L028", Severity::error, "misspelled libpq query parameter"},
    {"L029", Severity::info, "query parameter needs a newer libpq"},
    {"L030", Severity::warning, "no host: libpq will use the local Unix socket"},
    {"L031", Severity::error, "connection string does not parse"},
    {"L032", Severity::info, "connect_timeout below libpq's minimum of 2 seconds"},
    {"P001", Severity::warning, "connection URL written as a literal in source code"},
    {"P002", Severity::warning, "create_engine for a cloud host without pool_pre_ping=True"},
    {"P003", Severity::warning, "pool_recycle above the provider's idle timeout"},
    {"P004", Severity::warning, "SQLAlchemy pinned or locked below 2.0.33"},
    {"P005", Severity::warning, "the database driver the URL needs is not a dependency"},
    {"P006", Severity::info, "pool_size above 5 with a free-tier provider"},
  };
  return k_checks;
}

const CheckInfo* find_check(std::string_view id)
{
  const auto& all = checks();
  const auto it = std::find_if(all.begin(), all.end(), [&](const CheckInfo& c) { return c.id == id; });
  return it == all.end() ? nullptr : &*it;
}

core::Finding make_finding(std::string_view id, const std::string& path, std::uint32_t line, std::uint32_t column,
                           std::string message, std::string fix, std::string match)
{
  core::Finding f;
  f.rule_id = std::string(id);
  f.kind = core::FindingKind::lint;
  const auto* info = find_check(id);
  f.severity = info != nullptr ? info->severity : core::Severity::warning;
  f.confidence = core::Confidence::high;
  f.location.path = path;
  f.location.line = line;
  f.location.column = column;
  f.location.end_line = line;
  f.message = std::move(message);
  f.fix = std::move(fix);
  f.match = std::move(match);
  // Content-keyed (no line numbers) so baselines survive edits; the match is already redacted.
  f.fingerprint = core::fingerprint(f.rule_id, path, f.match + "\n" + f.message);
  return f;
}

}  // namespace dsnguard::lint
