// P002, P003, P005, P006: engine options for cloud hosts and missing database drivers.
#include <algorithm>

#include "dsn/judge.hpp"
#include "lint/checks.hpp"
#include "lint/project.hpp"
#include "util/strings.hpp"

namespace dsnguard::lint {

namespace {

std::optional<std::string> provider_of_info(const dsn::ConnInfo& info)
{
  for (const auto& h : info.hosts) {
    if (auto p = dsn::provider_of(h.host)) {
      return p;
    }
  }
  return std::nullopt;
}

bool free_tier_provider(std::string_view p)
{
  return p == "neon" || p == "supabase" || p == "heroku" || p == "render" || p == "railway" || p == "aiven"
         || p == "timescale" || p == "crunchy";
}

}  // namespace

void check_engine_calls(const ProjectFacts& facts, const std::vector<dsn::ConnInfo>& project_urls,
                        std::vector<core::Finding>& out)
{
  for (const auto& call : facts.engine_calls) {
    std::optional<std::string> provider;
    if (!call.literal_url.empty()) {
      if (auto info = dsn::parse_uri(call.literal_url)) {
        provider = provider_of_info(*info);
      }
    } else {
      for (const auto& info : project_urls) {
        if ((provider = provider_of_info(info))) {
          break;
        }
      }
    }
    if (!provider) {
      continue;
    }
    const std::string where = call.literal_url.empty() ? "the project's DATABASE_URL" : "this URL";
    if (!call.pool_pre_ping) {
      out.push_back(make_finding(
        "P002", call.path, call.line, call.column,
        "create_engine() connects to a " + *provider + " host (" + where
          + ") without pool_pre_ping=True, so connections the provider closed while idle fail the next query.",
        "Pass pool_pre_ping=True to create_engine()" + std::string(*provider == "neon" ? " (and pool_recycle=240)" : "")
          + "."));
    }
    if (*provider == "neon" && call.pool_recycle > 300) {
      out.push_back(make_finding(
        "P003", call.path, call.line, call.column,
        "pool_recycle=" + std::to_string(call.pool_recycle)
          + " keeps connections longer than Neon's 300 s scale-to-zero idle timeout, so recycled connections are "
            "already dead.",
        "Use pool_recycle=240 (below 300 s) together with pool_pre_ping=True."));
    }
    if (call.pool_size > 5 && free_tier_provider(*provider)) {
      out.push_back(make_finding(
        "P006", call.path, call.line, call.column,
        "pool_size=" + std::to_string(call.pool_size) + " per process on " + *provider
          + " can exhaust the small connection limit of free-tier plans.",
        "Use pool_size=5 or less, or connect through the provider's pooler."));
    }
  }
}

void check_driver(const ProjectFacts& facts, const dsn::ConnInfo& info, const std::string& path, std::uint32_t line,
                  std::uint32_t column, const std::string& match, std::vector<core::Finding>& out)
{
  if (!facts.python_manifest || info.form != dsn::Form::uri) {
    return;
  }
  const std::string scheme = util::to_lower(info.scheme);
  const auto plus = scheme.find('+');
  const std::string base = scheme.substr(0, plus);
  std::string driver = plus == std::string::npos ? "" : scheme.substr(plus + 1);
  if (driver.empty()) {
    // A bare scheme means the dialect's default driver only for SQLAlchemy consumers.
    if (!facts.uses_sqlalchemy) {
      return;
    }
    if (base == "postgresql" || base == "postgres") {
      driver = "psycopg2";
    } else if (base == "mysql" || base == "mariadb") {
      driver = "mysqldb";
    } else {
      return;
    }
  }
  struct Need {
    std::string_view driver;
    std::vector<std::string_view> packages;  // any of these satisfies it
    std::string_view install;
  };
  static const std::vector<Need> k_needs = {
    {"psycopg2", {"psycopg2", "psycopg2-binary"}, "psycopg2-binary"},
    {"psycopg", {"psycopg", "psycopg-binary"}, "psycopg[binary]"},
    {"psycopg_async", {"psycopg", "psycopg-binary"}, "psycopg[binary]"},
    {"asyncpg", {"asyncpg"}, "asyncpg"},
    {"pg8000", {"pg8000"}, "pg8000"},
    {"psycopg2cffi", {"psycopg2cffi"}, "psycopg2cffi"},
    {"pymysql", {"pymysql"}, "PyMySQL"},
    {"mysqldb", {"mysqlclient"}, "mysqlclient"},
    {"aiomysql", {"aiomysql"}, "aiomysql"},
    {"asyncmy", {"asyncmy"}, "asyncmy"},
    {"mysqlconnector", {"mysql-connector-python"}, "mysql-connector-python"},
  };
  const auto it = std::find_if(k_needs.begin(), k_needs.end(), [&](const Need& n) { return n.driver == driver; });
  if (it == k_needs.end()) {
    return;
  }
  if (plus == std::string::npos) {
    // A bare scheme is often rewritten at startup (postgresql:// -> postgresql+psycopg://): any driver of the family
    // will do; only a project without one fails with "No module named ...".
    static const std::vector<std::string_view> k_pg = {"psycopg2", "psycopg2-binary", "psycopg", "psycopg-binary",
                                                      "asyncpg", "pg8000", "psycopg2cffi"};
    static const std::vector<std::string_view> k_my = {"mysqlclient", "pymysql", "aiomysql", "asyncmy",
                                                      "mysql-connector-python"};
    for (const auto pkg : driver == "psycopg2" ? k_pg : k_my) {
      if (has_python_dependency(facts, pkg)) {
        return;
      }
    }
  }
  for (const auto pkg : it->packages) {
    if (has_python_dependency(facts, pkg)) {
      return;
    }
  }
  out.push_back(make_finding(
    "P005", path, line, column,
    "The URL needs the " + std::string(it->driver) + " driver, which is not in the project's dependencies (\"No module named "
      + std::string(it->driver == "mysqldb" ? "MySQLdb" : it->driver) + "\" at startup).",
    "Add " + std::string(it->install) + " to the project's dependencies (requirements.txt or pyproject.toml).", match));
}

}  // namespace dsnguard::lint
