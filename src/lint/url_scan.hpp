#pragma once
// Finding connection-string candidates in text without regular expressions: `scheme://` occurrences (with a
// `jdbc:` prefix when present) and libpq key=value strings containing host=.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dsnguard::lint {

struct UrlCandidate {
  std::size_t offset = 0;  // byte offset of the candidate in the text
  std::string_view text;   // raw text (may hold a password: never print it)
  std::string key;         // the variable/key the value is assigned to on its line ("DATABASE_URL",
                           // "sqlalchemy.url"), "" when none
  bool keyvalue = false;   // libpq key=value form
};

// Scheme classes lint cares about.
enum class SchemeClass {
  postgres,       // postgres, postgresql, postgresql+driver, jdbc:postgresql
  postgres_typo,  // postgress, postgresq, postgre, psql, pg, ...
  other_db,       // another database family (mysql, mongodb, redis...)
  none,           // not a database URL (http, file, ...)
};

// Classifies a scheme (any case; "+driver" and "jdbc:" prefix allowed). For typos, `suggestion` gets the
// corrected scheme ("postgresql", or "postgresql+asyncpg" when a driver was given).
SchemeClass classify_scheme(std::string_view scheme, std::string* suggestion = nullptr);

// Every candidate in `text`, in order of appearance, non-overlapping. Only database-like schemes (see
// classify_scheme) are returned for URIs.
std::vector<UrlCandidate> find_url_candidates(std::string_view text);

// Raw view of a URI's userinfo, split the way a careful parser must: at the LAST '@' before the path.
struct RawUserinfo {
  bool present = false;
  std::size_t user_offset = 0;  // offsets relative to the URI text
  std::size_t user_length = 0;
  bool has_password = false;
  std::size_t password_offset = 0;
  std::size_t password_length = 0;
  std::size_t host_offset = 0;  // first byte after the '@'
};
RawUserinfo raw_userinfo(std::string_view uri);

// 1-based line and byte column of `offset` in `text`.
std::uint32_t line_at(std::string_view text, std::size_t offset);
std::uint32_t column_at(std::string_view text, std::size_t offset);

}  // namespace dsnguard::lint
