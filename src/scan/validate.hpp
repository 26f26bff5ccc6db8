#pragma once
// Turns one regex match into a credential candidate by running the rule's dsn/ parser (the validator) on the
// text around it: the parser, not the regex, decides where the connection string ends and which bytes are the
// password. Internal to scan/.

#include <optional>
#include <string>
#include <string_view>

#include "core/types.hpp"
#include "dsn/conninfo.hpp"

namespace dsnguard::scan {

struct Candidate {
  dsn::ConnInfo info;          // parsed connection facts; info.password is the effective (decoded) password
  std::size_t start = 0;       // match start in the window text
  std::size_t end = 0;         // match end in the window text (exclusive)
  dsn::Span secret;            // raw password bytes in the window text
  // Variable or call name for messages, e.g. PGPASSWORD or psycopg2.connect.
  std::string label;
};

// Validates a match of `rule` at [start, end) of `text` (a window of the fragment, container escapes undone).
// `group` is the span of the rule's secret group when it has one. `path` selects code-vs-config handling of
// unquoted assignment values. Returns nullopt when the validator rejects the match (not a connection string,
// no password, an expression instead of a literal).
std::optional<Candidate> validate(const core::Rule& rule, std::string_view text, std::size_t start, std::size_t end,
                                  std::optional<dsn::Span> group, std::string_view label, std::string_view path);

}  // namespace dsnguard::scan
