#pragma once
// Parser for .env files as written for docker compose, python-dotenv and dotenv (node): `KEY=value` lines,
// optional `export `, `#` comments, single quotes (literal), double quotes (escapes, may span lines) and
// `${VAR}` / `$VAR` expansion in unquoted and double-quoted values. Project-agnostic.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dsnguard::util {

struct DotenvEntry {
  std::string key;
  std::string value;      // after unquoting and expansion
  std::size_t line = 0;   // 1-based line of the key
};

// Looks up a variable that the file itself does not define (typically the process environment).
using DotenvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Parses `text`. Lines that are not assignments are skipped. A later assignment of the same key wins for
// expansion; all assignments are returned in file order. Unknown variables expand to "".
std::vector<DotenvEntry> parse_dotenv(std::string_view text, const DotenvLookup& lookup = {});

// The last assignment of `key` in `entries`, or nullptr.
const DotenvEntry* find_dotenv(const std::vector<DotenvEntry>& entries, std::string_view key);

}  // namespace dsnguard::util
