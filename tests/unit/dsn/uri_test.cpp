#include <gtest/gtest.h>

#include "dsn/conninfo.hpp"

namespace dsnguard::dsn {
namespace {

ConnInfo parse(std::string_view text, char opener = '\0')
{
  auto r = parse_uri(text, opener);
  EXPECT_TRUE(r.has_value()) << text;
  return r ? *r : ConnInfo{};
}

TEST(ParseUri, SplitsUserinfoHostPortDatabaseAndQuery)
{
  const auto i = parse("postgresql://app:s3cret@db.acme.io:5432/orders?sslmode=require&application_name=x");
  EXPECT_EQ(i.scheme, "postgresql");
  EXPECT_EQ(i.family, "postgresql");
  EXPECT_EQ(i.user, "app");
  EXPECT_EQ(i.password, "s3cret");
  ASSERT_EQ(i.hosts.size(), 1u);
  EXPECT_EQ(i.hosts[0].host, "db.acme.io");
  EXPECT_EQ(i.hosts[0].port, "5432");
  EXPECT_EQ(i.database, "orders");
  EXPECT_EQ(i.param("sslmode"), "require");
  EXPECT_EQ(i.param("application_name"), "x");
  EXPECT_FALSE(i.param("missing"));
}

TEST(ParseUri, PasswordSpanPointsAtRawBytes)
{
  const std::string text = "postgres://u:p%40ss@h/db";
  const auto i = parse(text);
  EXPECT_EQ(i.password, "p@ss");
  EXPECT_EQ(text.substr(i.password_span.offset, i.password_span.length), "p%40ss");
  EXPECT_EQ(text.substr(i.user_span.offset, i.user_span.length), "u");
}

TEST(ParseUri, SplitsAtTheLastAtSignAndTheFirstColon)
{
  const auto i = parse("postgresql://app:p@ss:w@rd@db.acme.io/app");
  EXPECT_EQ(i.user, "app");
  EXPECT_EQ(i.password, "p@ss:w@rd");
  EXPECT_EQ(i.hosts[0].host, "db.acme.io");
  EXPECT_TRUE(i.raw_at_in_userinfo);
  EXPECT_FALSE(i.problems.empty());
}

TEST(ParseUri, RawHashSlashAndQuestionMarkStayInThePassword)
{
  EXPECT_EQ(parse("postgresql://u:a#b@h/db").password, "a#b");
  EXPECT_EQ(parse("postgresql://u:a/b@h/db").password, "a/b");
  EXPECT_EQ(parse("postgresql://u:a?b@h/db").password, "a?b");
  EXPECT_EQ(parse("postgresql://u:a/b@h/db").hosts[0].host, "h");
}

TEST(ParseUri, AtSignInTheQueryIsNotUserinfo)
{
  const auto i = parse("postgresql://db.acme.io:5432/app?user=me@corp.com&password=pw1");
  EXPECT_EQ(i.hosts[0].host, "db.acme.io");
  EXPECT_EQ(i.user, "me@corp.com");
  EXPECT_EQ(i.password, "pw1");
}

TEST(ParseUri, PasswordInQueryHasARawSpan)
{
  const std::string text = "postgres://h/db?user=u&password=p%21w";
  const auto i = parse(text);
  EXPECT_EQ(i.password, "p!w");
  EXPECT_EQ(text.substr(i.password_span.offset, i.password_span.length), "p%21w");
}

TEST(ParseUri, Ipv6AndMultiHost)
{
  const auto v6 = parse("postgres://u:pw@[2001:db8::1]:5433/db");
  ASSERT_EQ(v6.hosts.size(), 1u);
  EXPECT_EQ(v6.hosts[0].host, "2001:db8::1");
  EXPECT_TRUE(v6.hosts[0].bracketed);
  EXPECT_EQ(v6.hosts[0].port, "5433");
  const auto multi = parse("postgresql://u:pw@h1:5432,[::1]:5433,h3/db");
  ASSERT_EQ(multi.hosts.size(), 3u);
  EXPECT_EQ(multi.hosts[0].host, "h1");
  EXPECT_EQ(multi.hosts[1].host, "::1");
  EXPECT_EQ(multi.hosts[1].port, "5433");
  EXPECT_EQ(multi.hosts[2].host, "h3");
  EXPECT_EQ(multi.hosts[2].port, "");
  EXPECT_FALSE(parse("postgres://u:pw@[::1/db").problems.empty());
}

TEST(ParseUri, SocketHostsAreDecoded)
{
  const auto i = parse("postgresql://%2Fvar%2Frun%2Fpostgresql/db");
  EXPECT_EQ(i.hosts[0].host, "/var/run/postgresql");
  EXPECT_FALSE(i.password);
  const auto empty = parse("postgresql:///db?host=/tmp");
  EXPECT_EQ(empty.hosts[0].host, "/tmp");
}

TEST(ParseUri, StopsAtWhitespaceQuotesAndTrailingPunctuation)
{
  EXPECT_EQ(parse("postgres://u:pw@h/db. Next sentence").database, "db");
  EXPECT_EQ(parse("postgres://u:pw@h/db\"; x").database, "db");
  EXPECT_EQ(parse("postgres://u:pw@host.").hosts[0].host, "host");
  EXPECT_EQ(parse("postgres://u:pw@h/db),").database, "db");
  EXPECT_EQ(parse("postgres://u:pw@h/db**").database, "db");
  const std::string text = "postgres://u:pw@h/db' + rest";
  EXPECT_EQ(parse(text).end, text.find('\''));
}

TEST(ParseUri, MarkdownLinkSyntaxIsNotPartOfTheUrl)
{
  EXPECT_EQ(parse("postgres://u:pw@h/db](postgres://u:pw@h/db)").database, "db");
  EXPECT_EQ(parse("postgres://u:pw@h/db)", '(').database, "db");
  EXPECT_EQ(parse("postgres://u:pw@h/db>", '<').database, "db");
  // A balanced parenthesis inside the URL is kept.
  EXPECT_EQ(parse("postgres://u:pw@h/db(1)").database, "db(1)");
}

TEST(ParseUri, InsideQuotesOnlyTheEnclosingQuoteEnds)
{
  const auto i = parse("postgres://u:it's@h/db\" more", '"');
  EXPECT_EQ(i.password, "it's");
  EXPECT_EQ(i.database, "db");
}

TEST(ParseUri, PasswordOnlyUserinfo)
{
  const auto i = parse("redis://:s3cr3t@cache.acme.io:6379/0");
  EXPECT_EQ(i.family, "redis");
  EXPECT_EQ(i.user, "");
  EXPECT_EQ(i.password, "s3cr3t");
  EXPECT_EQ(i.database, "0");
}

TEST(ParseUri, NoPasswordAndEmptyPassword)
{
  EXPECT_FALSE(parse("postgres://user@h/db").password);
  EXPECT_EQ(parse("postgres://user:@h/db").password, "");
  EXPECT_FALSE(parse("postgres://h/db").user);
}

TEST(ParseUri, DriverAndFamily)
{
  const auto a = parse("postgresql+asyncpg://u:p@h/db");
  EXPECT_EQ(a.family, "postgresql");
  EXPECT_EQ(a.driver, "asyncpg");
  EXPECT_EQ(parse("mongodb+srv://u:p@c.mongodb.net/db").driver, "");
  EXPECT_EQ(parse("mongodb+srv://u:p@c.mongodb.net/db").family, "mongodb");
  EXPECT_EQ(parse("oracle+cx_oracle://u:p@h/db").driver, "cx_oracle");
  EXPECT_EQ(parse("PostgreSQL://u:p@h/db").scheme, "postgresql");
}

TEST(ParseUri, InvalidPercentEscapeIsKeptRawAndNoted)
{
  const auto i = parse("postgresql://u:p%zz@h/db");
  EXPECT_EQ(i.password, "p%zz");
  EXPECT_FALSE(i.problems.empty());
}

TEST(ParseUri, RejectsNonUris)
{
  EXPECT_FALSE(parse_uri("host=h dbname=d").has_value());
  EXPECT_FALSE(parse_uri("postgres:/h/db").has_value());
  EXPECT_FALSE(parse_uri("").has_value());
  EXPECT_FALSE(parse_uri("://h").has_value());
}

TEST(FamilyOfScheme, MapsAliasesAndDrivers)
{
  EXPECT_EQ(family_of_scheme("postgres"), "postgresql");
  EXPECT_EQ(family_of_scheme("pgsql"), "postgresql");
  EXPECT_EQ(family_of_scheme("postgis"), "postgresql");
  EXPECT_EQ(family_of_scheme("postgresql+psycopg2"), "postgresql");
  EXPECT_EQ(family_of_scheme("mariadb"), "mysql");
  EXPECT_EQ(family_of_scheme("mysql+pymysql"), "mysql");
  EXPECT_EQ(family_of_scheme("rediss"), "redis");
  EXPECT_EQ(family_of_scheme("amqps"), "amqp");
  EXPECT_EQ(family_of_scheme("sqlserver"), "mssql");
  EXPECT_EQ(family_of_scheme("mssql+pyodbc"), "mssql");
  EXPECT_EQ(family_of_scheme("oracle+oracledb"), "oracle");
  EXPECT_EQ(family_of_scheme("cockroachdb"), "cockroachdb");
  EXPECT_EQ(family_of_scheme("clickhouse+native"), "clickhouse");
  EXPECT_EQ(family_of_scheme("snowflake"), "other");
  EXPECT_EQ(family_of_scheme("https"), "");
  EXPECT_EQ(family_of_scheme("ssh"), "");
  EXPECT_EQ(family_of_scheme("ftp"), "");
}

TEST(Percent, DecodeAndEncode)
{
  bool ok = false;
  EXPECT_EQ(percent_decode("a%40b%2Fc", &ok), "a@b/c");
  EXPECT_TRUE(ok);
  EXPECT_EQ(percent_decode("100%", &ok), "100%");
  EXPECT_FALSE(ok);
  EXPECT_EQ(percent_decode("%4", &ok), "%4");
  EXPECT_FALSE(ok);
  EXPECT_EQ(percent_encode_userinfo("p@ss w/rd:~_-."), "p%40ss%20w%2Frd%3A~_-.");
  EXPECT_EQ(percent_decode(percent_encode_userinfo("\x01\xff#?")), "\x01\xff#?");
}

}  // namespace
}  // namespace dsnguard::dsn
