// Cross-checks dsn::parse_uri against libpq's own PQconninfoParse (libpq 15) on PostgreSQL URIs. libpq is
// linked into the test binary only; dsn/ never uses it.
//
// Deliberate differences (asserted explicitly below, see postgres-urls-and-libpq.md section 3):
// - a raw '@' in the password: libpq splits userinfo at the FIRST '@' (user/password cut short, the rest joins
//   the host); dsn splits at the LAST '@' like urlsplit, WHATWG URL and Go net/url, so the leak is reported
//   whole (lint reports the unencoded '@' separately);
// - a raw '/' in the password: libpq ends the authority there; dsn keeps it in the password;
// - '#': dsn treats it as a fragment after the database name; libpq has no fragments and keeps "db#frag".
// Representation differences normalised by the comparison (not parsing differences):
// - libpq stores an empty user or password as unset; dsn keeps "present but empty" (an empty password is a
//   fact the judgement reports as "empty password"), so "" and unset compare equal here;
// - libpq writes a port list for hosts without ports as ",,"; dsn leaves each HostPort::port empty;
// - every URI is parsed as a whole quoted value (opener '"'), as the scanner sees it inside a string, so a
//   quote character inside the password does not end it.
#include <gtest/gtest.h>

#include <libpq-fe.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "dsn/conninfo.hpp"

namespace dsnguard::dsn {
namespace {

struct Libpq {
  bool ok = false;
  std::map<std::string, std::optional<std::string>> values;
  std::optional<std::string> get(const std::string& key) const
  {
    const auto it = values.find(key);
    return it == values.end() ? std::nullopt : it->second;
  }
};

Libpq libpq_parse(const std::string& uri)
{
  Libpq out;
  char* err = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> opts(PQconninfoParse(uri.c_str(), &err), &PQconninfoFree);
  if (err != nullptr) {
    PQfreemem(err);
  }
  if (!opts) {
    return out;
  }
  out.ok = true;
  for (auto* o = opts.get(); o->keyword != nullptr; ++o) {
    out.values[o->keyword] = o->val == nullptr ? std::nullopt : std::optional<std::string>(o->val);
  }
  return out;
}

std::optional<std::string> joined_hosts(const ConnInfo& i)
{
  std::string s;
  bool any = false;
  for (std::size_t k = 0; k < i.hosts.size(); ++k) {
    s += (k ? "," : "") + i.hosts[k].host;
    any = any || !i.hosts[k].host.empty();
  }
  return any ? std::optional<std::string>(s) : std::nullopt;
}

std::optional<std::string> joined_ports(const ConnInfo& i)
{
  std::string s;
  bool any = false;
  for (std::size_t k = 0; k < i.hosts.size(); ++k) {
    s += (k ? "," : "") + i.hosts[k].port;
    any = any || !i.hosts[k].port.empty();
  }
  return any ? std::optional<std::string>(s) : std::nullopt;
}

std::optional<std::string> unset_if_empty(const std::optional<std::string>& v)
{
  return v && v->empty() ? std::nullopt : v;
}

std::optional<std::string> unset_if_only_commas(const std::optional<std::string>& v)
{
  return v && v->find_first_not_of(',') == std::string::npos ? std::nullopt : v;
}

class LibpqCrossCheck : public ::testing::TestWithParam<const char*> {};

TEST_P(LibpqCrossCheck, SameFieldsAsPQconninfoParse)
{
  const std::string uri = GetParam();
  const auto pq = libpq_parse(uri);
  ASSERT_TRUE(pq.ok) << "libpq rejects " << uri;
  const auto ours = parse_uri(uri, '"');
  ASSERT_TRUE(ours.has_value()) << uri;
  EXPECT_EQ(unset_if_empty(ours->user), pq.get("user")) << uri;
  EXPECT_EQ(unset_if_empty(ours->password), pq.get("password")) << uri;
  EXPECT_EQ(joined_hosts(*ours), pq.get("host")) << uri;
  EXPECT_EQ(joined_ports(*ours), unset_if_only_commas(pq.get("port"))) << uri;
  EXPECT_EQ(ours->database, pq.get("dbname")) << uri;
  if (const auto sslmode = pq.get("sslmode")) {
    EXPECT_EQ(ours->param("sslmode").value_or(ours->param("ssl") ? "require" : ""), *sslmode) << uri;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Uris, LibpqCrossCheck,
    ::testing::Values(
        "postgresql://app:s3cret@db.acme.io:5432/orders",
        "postgres://app:s3cret@db.acme.io/orders",
        "postgresql://app:s3cret@db.acme.io",
        "postgresql://app@db.acme.io:5432/orders",
        "postgresql://db.acme.io:5432/orders",
        "postgresql://db.acme.io",
        "postgresql://localhost",
        "postgresql://localhost:5433",
        "postgresql://localhost/mydb",
        "postgresql://user@localhost",
        "postgresql://user:secret@localhost",
        "postgresql://other@localhost/otherdb?connect_timeout=10&application_name=myapp",
        "postgresql://host1:123,host2:456/somedb?target_session_attrs=any&application_name=myapp",
        "postgresql://u:p%40ss%23w%2Frd@h:5432/app?sslmode=require",
        "postgresql://u:p%3Aw@h/db",
        "postgresql://u%40corp:pw@h/db",
        "postgresql://u:pw@[::1]:5433/db",
        "postgres://u:pw@[2001:db8::1234]/database",
        "postgresql://u:pw@[fe80::1%25eth0]:5432/db",
        "postgresql://%2Fvar%2Flib%2Fpostgresql/mydb",
        "postgresql:///mydb?host=/var/lib/postgresql",
        "postgresql:///mydb?host=localhost&port=5433",
        "postgresql://h1:5432,h2:5433/db",
        "postgresql://h1,h2,h3/db",
        "postgresql://u:pw@h1:5432,h2:5432,h3:5432/db?target_session_attrs=read-write",
        "postgresql://[::1]:5432,[::2]:5433/db",
        "postgresql://u:pw@h/db?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem",
        "postgresql://u:pw@h/db?ssl=true",
        "postgresql://h/db?user=app&password=s3cret",
        "postgresql://h/db?password=p%26w&user=app",
        "postgresql://:pw@h/db",
        "postgresql://u:@h/db",
        "postgresql://u:pw@h:5432/",
        "postgresql://u:pw@h/my%20db",
        "postgresql://u:pw@h/db?options=-c%20search_path%3Dapp",
        "postgresql://u:p%20w@h/db",
        "postgresql://u:%E2%9C%93@h/db",
        "postgresql://neondb_owner:npg_abc@ep-cool-1-pooler.us-east-2.aws.neon.tech/neondb?sslmode=require&channel_binding=require",
        "postgresql://postgres.abcdefghij:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres",
        "postgres://u:pw@mydb.c9akciq32.us-east-1.rds.amazonaws.com:5432/prod?sslmode=verify-full",
        "postgresql://u:pw@h/db?connect_timeout=5&keepalives=1",
        "postgresql://u:pw@h/db?target_session_attrs=primary",
        "postgresql://u:pw@127.0.0.1:6543/db",
        "postgresql://u:p!w$x&y'z(1)*+,;=@h/db"));

TEST(LibpqCrossCheckDifferences, RawAtSignLibpqSplitsAtTheFirstAt)
{
  const std::string uri = "postgresql://u:p@ss@h/db";
  const auto pq = libpq_parse(uri);
  ASSERT_TRUE(pq.ok);
  EXPECT_EQ(pq.get("password"), "p");
  EXPECT_EQ(pq.get("host"), "ss@h");
  const auto ours = parse_uri(uri);
  ASSERT_TRUE(ours.has_value());
  EXPECT_EQ(ours->password, "p@ss");
  EXPECT_EQ(joined_hosts(*ours), "h");
  EXPECT_TRUE(ours->raw_at_in_userinfo);
}

TEST(LibpqCrossCheckDifferences, RawSlashLibpqEndsTheAuthority)
{
  const std::string uri = "postgresql://u:pa/ss@h/db";
  const auto pq = libpq_parse(uri);
  ASSERT_TRUE(pq.ok);
  EXPECT_EQ(pq.get("host"), "u");
  EXPECT_EQ(pq.get("port"), "pa");
  const auto ours = parse_uri(uri);
  ASSERT_TRUE(ours.has_value());
  EXPECT_EQ(ours->password, "pa/ss");
  EXPECT_EQ(joined_hosts(*ours), "h");
  EXPECT_EQ(ours->database, "db");
}

TEST(LibpqCrossCheckDifferences, FragmentLibpqKeepsItInTheDatabaseName)
{
  const std::string uri = "postgresql://u:p@h/db#frag";
  const auto pq = libpq_parse(uri);
  ASSERT_TRUE(pq.ok);
  EXPECT_EQ(pq.get("dbname"), "db#frag");
  const auto ours = parse_uri(uri);
  ASSERT_TRUE(ours.has_value());
  EXPECT_EQ(ours->database, "db");
  EXPECT_EQ(ours->fragment, "frag");
}

TEST(LibpqCrossCheckDifferences, RawHashInPasswordAgrees)
{
  // libpq has no fragment concept, and dsn's last-'@' split keeps the '#' in the password: both agree.
  const std::string uri = "postgresql://u:p#ss@h/db";
  const auto pq = libpq_parse(uri);
  ASSERT_TRUE(pq.ok);
  const auto ours = parse_uri(uri);
  ASSERT_TRUE(ours.has_value());
  EXPECT_EQ(ours->password, pq.get("password"));
  EXPECT_EQ(ours->password, "p#ss");
}

TEST(LibpqCrossCheckDifferences, DriverSchemesAreNotLibpqUris)
{
  EXPECT_FALSE(libpq_parse("postgresql+psycopg2://u:p@h/db").ok);
  const auto ours = parse_uri("postgresql+psycopg2://u:p@h/db");
  ASSERT_TRUE(ours.has_value());
  EXPECT_EQ(ours->password, "p");
}

}  // namespace
}  // namespace dsnguard::dsn
