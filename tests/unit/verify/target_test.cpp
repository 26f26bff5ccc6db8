// URL preparation for libpq (parsing is libpq's own PQconninfoParse) and the password scrubbing helpers.
#include "verify/target.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace dsnguard::verify {

namespace {

Target prepared(const std::string& url)
{
  auto t = prepare_url(url);
  EXPECT_TRUE(t.has_value()) << url << ": " << (t ? "" : t.error().message);
  return t ? *t : Target{};
}

std::string error_of(const std::string& url)
{
  auto t = prepare_url(url);
  EXPECT_FALSE(t.has_value()) << url;
  return t ? "" : t.error().message;
}

}  // namespace

TEST(Target, PlainUrlIsParsedByLibpqWithDecodedPassword)
{
  const auto t = prepared("postgresql://app:p%40ss%23w%2Frd@db.example.com:5433/appdb?sslmode=verify-full");
  EXPECT_EQ(t.param("host"), "db.example.com");
  EXPECT_EQ(t.param("port"), "5433");
  EXPECT_EQ(t.param("user"), "app");
  EXPECT_EQ(t.param("password"), "p@ss#w/rd");
  EXPECT_EQ(t.param("dbname"), "appdb");
  EXPECT_EQ(t.param("sslmode"), "verify-full");
  EXPECT_EQ(t.masked_url, "postgresql://app:****@db.example.com:5433/appdb?sslmode=verify-full");
  EXPECT_NE(std::find(t.secrets.begin(), t.secrets.end(), "p@ss#w/rd"), t.secrets.end());
  EXPECT_NE(std::find(t.secrets.begin(), t.secrets.end(), "p%40ss%23w%2Frd"), t.secrets.end());
  EXPECT_TRUE(t.notes.empty());
}

TEST(Target, DriverSuffixAndPostgresSchemeAreNormalised)
{
  const auto t = prepared("postgresql+psycopg2://u:pw@h/db");
  EXPECT_EQ(t.param("host"), "h");
  ASSERT_EQ(t.notes.size(), 1u);
  EXPECT_NE(t.notes[0].find("+psycopg2"), std::string::npos);
  EXPECT_EQ(prepared("postgres://u:pw@h/db").param("dbname"), "db");
  EXPECT_EQ(prepared("POSTGRESQL+ASYNCPG://u:pw@h/db").param("user"), "u");
}

TEST(Target, OrmParametersAreDroppedWithANoteButUnknownOnesAreErrors)
{
  const auto t = prepared("postgresql://u:pw@h/db?schema=public&pgbouncer=true&connection_limit=1&sslmode=require");
  EXPECT_EQ(t.param("sslmode"), "require");
  EXPECT_EQ(t.notes.size(), 3u);
  const auto e = error_of("postgresql://u:topsecretpw@h/db?frobnicate=1");
  EXPECT_NE(e.find("frobnicate"), std::string::npos);
  EXPECT_EQ(e.find("topsecretpw"), std::string::npos);
}

TEST(Target, SslParameterIsMappedToSslmode)
{
  EXPECT_EQ(prepared("postgresql+asyncpg://u:pw@h/db?ssl=require").param("sslmode"), "require");
  EXPECT_EQ(prepared("postgresql://u:pw@h/db?ssl=true").param("sslmode"), "require");
  EXPECT_EQ(prepared("postgresql://u:pw@h/db?ssl=verify-full").param("sslmode"), "verify-full");
  // sslmode wins over ssl: never a silent change of the TLS mode the URL states.
  const auto both = prepared("postgresql://u:pw@h/db?sslmode=verify-full&ssl=disable");
  EXPECT_EQ(both.param("sslmode"), "verify-full");
  EXPECT_FALSE(error_of("postgresql://u:pw@h/db?ssl=maybe").empty());
}

TEST(Target, InvalidValuesAreRejectedBeforeConnecting)
{
  EXPECT_NE(error_of("postgresql://u:pw@h/db?sslmode=requir").find("sslmode"), std::string::npos);
  EXPECT_NE(error_of("postgresql://u:pw@h/db?channel_binding=always").find("channel_binding"), std::string::npos);
  EXPECT_NE(error_of("postgresql://u:pw@h/db?gssencmode=yes").find("gssencmode"), std::string::npos);
  EXPECT_NE(error_of("postgresql://u:pw@h:0/db").find("port"), std::string::npos);
  EXPECT_NE(error_of("postgresql://u:pw@h:70000/db").find("port"), std::string::npos);
  EXPECT_NE(error_of("postgresql://u:pw@h/db?port=54x").find("port"), std::string::npos);
  EXPECT_NE(error_of("postgresql://u:pw@h/db?connect_timeout=soon").find("connect_timeout"), std::string::npos);
  EXPECT_EQ(prepared("postgresql://u:pw@h1:5432,h2:5433/db").param("port"), "5432,5433");
}

TEST(Target, UnparseableUrlsNeverEchoThePassword)
{
  const auto e = error_of("postgresql://u:hunter2%zz@h/db");
  EXPECT_NE(e.find("percent"), std::string::npos) << e;
  EXPECT_EQ(e.find("hunter2"), std::string::npos) << e;
  EXPECT_NE(error_of("mysql://u:pw@h/db").find("not a PostgreSQL URL"), std::string::npos);
  EXPECT_FALSE(error_of("").empty());
  EXPECT_FALSE(error_of("just some text").empty());
}

TEST(Target, KeyValueConninfo)
{
  const auto t = prepared("host=h port=5432 user=u password='pa ss' dbname=d sslmode=require");
  EXPECT_EQ(t.param("password"), "pa ss");
  EXPECT_EQ(t.masked_url.find("pa ss"), std::string::npos) << t.masked_url;
}

TEST(Target, MaskAndScrub)
{
  EXPECT_EQ(mask_url("postgresql://u:secret@h/db?password=other&sslmode=require"),
            "postgresql://u:****@h/db?password=****&sslmode=require");
  EXPECT_EQ(mask_url("postgresql://u@h/db"), "postgresql://u@h/db");
  EXPECT_EQ(mask_url("postgres://:pw@h"), "postgres://:****@h");
  EXPECT_EQ(scrub("user \"u\" with secret and secret", {"secret"}), "user \"u\" with **** and ****");
  EXPECT_EQ(scrub("p%40ss and p@ss", {"p@ss", "p%40ss"}), "**** and ****");
  EXPECT_EQ(scrub("unchanged", {""}), "unchanged");
}

TEST(Target, MakeTargetFromScanAttributes)
{
  const auto t = make_target("db.example.com", "5432", "app", "user", "pw", "");
  EXPECT_EQ(t.param("host"), "db.example.com");
  EXPECT_EQ(t.param("password"), "pw");
  EXPECT_FALSE(t.param("sslmode").has_value());
  EXPECT_EQ(t.masked_url.find("pw@"), std::string::npos);
}

}  // namespace dsnguard::verify
