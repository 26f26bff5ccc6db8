#pragma once
// URL checks (L002-L030) and the source-code literal check (P001) on one connection string. Messages say why
// in one sentence; fixes give the corrected connection string with the password shown as "****".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.hpp"
#include "dsn/conninfo.hpp"
#include "lint/project.hpp"

namespace dsnguard::lint {

// Where a connection string was found and what surrounds it.
struct UrlSite {
  std::string path;  // repo-relative, or "$DATABASE_URL"
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string_view raw;  // the candidate text (may hold a password: never printed)
  std::string key;       // variable/key it is assigned to ("DATABASE_URL", "DIRECT_URL", "sqlalchemy.url")
  bool keyvalue = false;         // libpq key=value form
  bool in_source_code = false;   // .py, .js, ... (P001)
  bool migration_config = false; // alembic.ini and similar: the URL migrations run against
};

// Raw-text checks (scheme typo L027, unencoded userinfo L004, bad escapes L005), then parses the string and runs
// check_conninfo. Returns the parsed ConnInfo (after repairing the userinfo encoding) when parsing succeeded.
std::optional<dsn::ConnInfo> check_url(const UrlSite& site, const ProjectFacts& facts, std::vector<core::Finding>& out);

// The checks that need a parsed connection string. `site.raw` is used only to build the redacted match.
void check_conninfo(const UrlSite& site, const dsn::ConnInfo& info, const ProjectFacts& facts,
                    std::vector<core::Finding>& out);

// `raw` with every password (userinfo, password= parameters) replaced by "****".
std::string redact_raw(std::string_view raw);

// A lint finding for check `id` at `site`, with the redacted candidate text as its match.
core::Finding url_finding(std::string_view id, const UrlSite& site, std::string message, std::string fix);

// True when a host is a template or placeholder (${HOST}, {{host}}, <host>, %HOST%): not a real address.
bool is_templated_host(std::string_view host);

}  // namespace dsnguard::lint
