#pragma once
// The connection-string model. Parses URIs (any database scheme, +driver, multi-host, IPv6), libpq
// key=value conninfo, JDBC, ADO.NET/ODBC and .pgpass lines into ConnInfo; judges placeholders; classifies
// hosts; redacts. Pure C++: no libpq (tests cross-check the URI parser against PQconninfoParse), no RE2.
// Depends on core/ and util/ only.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace dsnguard::dsn {

// How a credential was written. The first five are connection strings; `assignment` is an environment or
// config assignment of a password alone (PGPASSWORD=..., spring.datasource.password=...), `kwarg` a literal
// password argument of a driver call (psycopg2.connect(password="...")), `mysql_dsn` the Go MySQL driver DSN
// `user:pass@tcp(host:3306)/db`.
enum class Form { uri, keyvalue, jdbc, ado, pgpass, assignment, kwarg, mysql_dsn };

// "uri", "keyvalue", "jdbc", "ado", "pgpass", "assignment", "kwarg", "dsn".
std::string_view to_string(Form form);

// Byte span inside the text that was parsed.
struct Span {
  std::size_t offset = 0;
  std::size_t length = 0;
  bool empty() const { return length == 0; }
};

struct HostPort {
  std::string host;  // decoded; IPv6 without brackets; "" for a default/unix socket
  std::string port;  // as written ("" when absent); validity is lint's job
  bool bracketed = false;  // written as [v6]
};

// A parsed connection string. Fields hold decoded values; spans point at the raw text.
struct ConnInfo {
  Form form = Form::uri;
  std::string scheme;  // lower-cased as written: "postgresql+asyncpg", "jdbc:postgresql", "mongodb+srv", ""
  std::string family;  // normalised engine: postgresql, mysql, mongodb, redis, amqp, mssql, oracle, cockroachdb,
                       // clickhouse, other
  std::string driver;  // the part after '+', lower-cased ("asyncpg"); "" when none
  std::optional<std::string> user;      // decoded
  std::optional<std::string> password;  // decoded; nullopt when absent (empty string = present but empty)
  // The password exactly as written (before percent-decoding) when the form decodes it (URI, JDBC); "" when
  // the form has no escapes. The judgement checks it too: "%DB_PASSWORD%" must not be decoded into a literal.
  std::string raw_password;
  Span user_span;
  Span password_span;  // raw span of the password in the parsed text (for redaction and columns)
  std::vector<HostPort> hosts;
  std::optional<std::string> database;  // decoded; nullopt when absent
  std::vector<std::pair<std::string, std::string>> params;  // query or keyword parameters, decoded, in order
  std::string fragment;  // text after '#', raw
  std::size_t end = 0;   // bytes of the input the connection string occupies (URI stops at whitespace/quote)
  // Structural problems found while parsing (bad percent escape, unencoded '@' in userinfo...), each a short
  // phrase; lint turns them into findings. Never contains the password.
  std::vector<std::string> problems;
  bool raw_at_in_userinfo = false;  // userinfo held more than one '@' (split at the LAST one)

  // Value of parameter `key` (case-sensitive), or nullopt.
  std::optional<std::string> param(std::string_view key) const;
};

// Parse `text` as a URI `scheme://[user[:password]@]host[:port][,host2...][/db][?k=v&...][#frag]`.
// The URI ends at the first whitespace, quote or (for unbracketed text) other delimiter that cannot be part of
// it; ConnInfo::end says where. Userinfo is split at the LAST '@' of the authority; user and password at the
// first ':'. Percent-escapes are decoded; invalid ones are kept raw and noted in `problems`.
// Error (parse) when the text does not start with a scheme followed by "://".
core::Expected<ConnInfo> parse_uri(std::string_view text);
// As above, where `opener` is the byte just before the URI in its container ('"', '\'', '`', '(', '<', or 0).
// Inside quotes the URI ends only at that quote (or whitespace; a backslash-escaped quote does not end it), so a
// different quote inside the password stays in it; after '(' it ends at the unbalanced ')', after '<' at '>'. Trailing punctuation ('.', ',', ';', ')',
// unbalanced ']', '>', '*', '!') and Markdown link syntax ("](") never become part of the host or database.
core::Expected<ConnInfo> parse_uri(std::string_view text, char opener);
// libpq keyword/value: `host=h port=5432 user=u password='p w'`. Error when no key=value pair is present or a
// quote is unterminated.
core::Expected<ConnInfo> parse_keyvalue(std::string_view text);
// JDBC: `jdbc:postgresql://h/db?user=u&password=p`, `jdbc:mysql://u:p@h/db`, `jdbc:sqlserver://h;user=u;password=p`.
core::Expected<ConnInfo> parse_jdbc(std::string_view text);
// As above with the container opener (see parse_uri). Also `jdbc:oracle:thin:u/p@//h:1521/svc`,
// `jdbc:oracle:thin:u/p@h:1521:sid`, `jdbc:jtds:sqlserver://h/db;user=u;password=p`, `jdbc:db2://h/db:user=u;password=p;`.
// Error (parse) when the text does not start with "jdbc:" (any case).
core::Expected<ConnInfo> parse_jdbc(std::string_view text, char opener);
// ADO.NET / ODBC: `Server=h;Database=d;User Id=u;Password=p;` (keys case-insensitive, values may be quoted).
core::Expected<ConnInfo> parse_ado(std::string_view text);
// .pgpass line `host:port:db:user:password` with `\:` and `\\` escapes.
core::Expected<ConnInfo> parse_pgpass(std::string_view line);
// Go MySQL driver DSN `[user[:password]@][net[(addr)]]/dbname[?k=v&...]` (go-sql-driver/mysql). Userinfo is
// split at the last '@' before the network part; the password is not percent-decoded (the driver does not).
// Error (parse) when there is no `@net(addr)/` part.
core::Expected<ConnInfo> parse_mysql_dsn(std::string_view text);
// True for a libpq 15 connection keyword (host, port, dbname, user, password, sslmode, ...).
bool is_libpq_keyword(std::string_view key);
// Tries the forms in a sensible order: jdbc, uri, then ado before keyvalue when the text contains ';' and
// keyvalue before ado otherwise. Returns the last parser's error when none applies.
core::Expected<ConnInfo> parse_any(std::string_view text);

// The engine family for a URI scheme ("postgresql+psycopg2" -> "postgresql", "pgsql" -> "postgresql",
// "mariadb" -> "mysql", "rediss" -> "redis", "sqlserver" -> "mssql", ...). "" when the scheme is not a database.
std::string family_of_scheme(std::string_view scheme);
// Human name of a family for messages: "PostgreSQL", "MySQL", "MongoDB", "Redis", "AMQP", "SQL Server",
// "Oracle", "CockroachDB", "ClickHouse"; "database" for other/unknown.
std::string_view family_display_name(std::string_view family);

// Percent-decoding. `ok` is false when an escape is invalid (the invalid escape is copied raw).
std::string percent_decode(std::string_view s, bool* ok = nullptr);
// Percent-encodes everything outside RFC 3986 unreserved characters (for the fixed URL lint shows).
std::string percent_encode_userinfo(std::string_view s);

}  // namespace dsnguard::dsn
