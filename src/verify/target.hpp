#pragma once
// A PostgreSQL connection target prepared for libpq: the URL normalised (SQLAlchemy "+driver" stripped, known
// ORM-only query parameters dropped, asyncpg-style ssl=... mapped to sslmode), parsed by libpq itself
// (PQconninfoParse) and validated (sslmode, channel_binding, gssencmode, target_session_attrs, port,
// connect_timeout), plus the helpers that keep the password out of every message.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace dsnguard::verify {

struct Target {
  // libpq keyword/value pairs with decoded values, exactly as the URL gives them (no defaults, no hostaddr
  // added yet). The order is libpq's option order.
  std::vector<std::pair<std::string, std::string>> params;
  std::string masked_url;             // the URL as given, password replaced by "****"
  std::vector<std::string> notes;     // what normalisation changed, one sentence each
  std::vector<std::string> secrets;   // password as decoded and as written (percent-encoded), for scrubbing

  // Value of keyword `key`, or nullopt when the URL does not set it.
  std::optional<std::string> param(std::string_view key) const;
  // Sets (or replaces) keyword `key`.
  void set(const std::string& key, const std::string& value);
  // Removes keyword `key` when present.
  void erase(std::string_view key);
};

// Prepares `url` (postgresql://, postgres://, postgresql+driver://, or a libpq key=value string).
// Errors (code parse, message free of the password): not a PostgreSQL URL, a string libpq cannot parse, an
// unknown query parameter that is not a known ORM parameter, an invalid sslmode / channel_binding /
// gssencmode / target_session_attrs value, a port outside 1-65535, a non-integer connect_timeout.
core::Expected<Target> prepare_url(std::string_view url);

// A target from already-decoded parts (leaked credentials found by a scan). Empty parts are left unset.
Target make_target(const std::string& host, const std::string& port, const std::string& database,
                   const std::string& user, const std::string& password, const std::string& sslmode);

// Replaces every occurrence of each of `secrets` in `text` with "****".
std::string scrub(std::string text, const std::vector<std::string>& secrets);

// Masks the password in a URL or key=value string: the userinfo password and any password= parameter.
std::string mask_url(std::string_view url);

}  // namespace dsnguard::verify
