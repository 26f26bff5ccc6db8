#include <gtest/gtest.h>

#include "dsn/conninfo.hpp"

namespace dsnguard::dsn {
namespace {

TEST(ParseKeyValue, QuotedEscapedAndMultiHost)
{
  const std::string text = "host=h1,h2 port=5432,5433 dbname=app user=u password='p w\\'x' sslmode=require";
  auto r = parse_keyvalue(text);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->form, Form::keyvalue);
  EXPECT_EQ(r->password, "p w'x");
  EXPECT_EQ(text.substr(r->password_span.offset, r->password_span.length), "p w\\'x");
  EXPECT_EQ(r->user, "u");
  EXPECT_EQ(r->database, "app");
  ASSERT_EQ(r->hosts.size(), 2u);
  EXPECT_EQ(r->hosts[1].host, "h2");
  EXPECT_EQ(r->hosts[1].port, "5433");
  EXPECT_EQ(r->param("sslmode"), "require");
}

TEST(ParseKeyValue, SpacesAroundEqualsAndEndOfConninfo)
{
  auto r = parse_keyvalue("host = h password = pw and then prose");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->password, "pw");
  EXPECT_EQ(r->end, std::string("host = h password = pw").size());
}

TEST(ParseKeyValue, DoubledQuotesInsideAConfString)
{
  auto r = parse_keyvalue("host=h user=rep password=''s3cret'' application_name=x");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->password, "s3cret");
}

TEST(ParseKeyValue, Errors)
{
  EXPECT_FALSE(parse_keyvalue("no pairs here").has_value());
  EXPECT_FALSE(parse_keyvalue("host=h password='unterminated").has_value());
}

TEST(LibpqKeyword, KnowsTheKeywordsCaseSensitively)
{
  EXPECT_TRUE(is_libpq_keyword("sslmode"));
  EXPECT_TRUE(is_libpq_keyword("target_session_attrs"));
  EXPECT_FALSE(is_libpq_keyword("HOST"));
  EXPECT_FALSE(is_libpq_keyword("schema"));
  EXPECT_FALSE(is_libpq_keyword(""));
}

TEST(ParseJdbc, PostgresQueryCredentials)
{
  const std::string text = "jdbc:postgresql://pg.acme.io:5432/app?user=app&password=pw1&ssl=true";
  auto r = parse_jdbc(text);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->form, Form::jdbc);
  EXPECT_EQ(r->scheme, "jdbc:postgresql");
  EXPECT_EQ(r->family, "postgresql");
  EXPECT_EQ(r->user, "app");
  EXPECT_EQ(r->password, "pw1");
  EXPECT_EQ(text.substr(r->password_span.offset, r->password_span.length), "pw1");
  EXPECT_EQ(r->hosts[0].host, "pg.acme.io");
  EXPECT_EQ(r->database, "app");
}

TEST(ParseJdbc, MysqlUserinfo)
{
  const std::string text = "jdbc:mysql://svc:p%40w@mysql.acme.io:3306/shop";
  auto r = parse_jdbc(text);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->family, "mysql");
  EXPECT_EQ(r->password, "p@w");
  EXPECT_EQ(text.substr(r->password_span.offset, r->password_span.length), "p%40w");
}

TEST(ParseJdbc, SqlServerProperties)
{
  const std::string text = "jdbc:sqlserver://sql.acme.io:1433;databaseName=Sales;user=rep;password={p;w};encrypt=true";
  auto r = parse_jdbc(text);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->family, "mssql");
  EXPECT_EQ(r->password, "p;w");
  EXPECT_EQ(text.substr(r->password_span.offset, r->password_span.length), "p;w");
  EXPECT_EQ(r->user, "rep");
  EXPECT_EQ(r->database, "Sales");
  EXPECT_EQ(r->hosts[0].host, "sql.acme.io");
  EXPECT_EQ(r->hosts[0].port, "1433");
}

TEST(ParseJdbc, OracleThinForms)
{
  auto a = parse_jdbc("jdbc:oracle:thin:hr/pw1@//ora.acme.io:1521/ORCL");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->family, "oracle");
  EXPECT_EQ(a->user, "hr");
  EXPECT_EQ(a->password, "pw1");
  EXPECT_EQ(a->hosts[0].host, "ora.acme.io");
  EXPECT_EQ(a->database, "ORCL");
  auto b = parse_jdbc("jdbc:oracle:thin:hr/pw2@ora.acme.io:1521:XE");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->password, "pw2");
  EXPECT_EQ(b->hosts[0].port, "1521");
  EXPECT_EQ(b->database, "XE");
  auto c = parse_jdbc("jdbc:oracle:thin:@//ora.acme.io:1521/ORCL");
  ASSERT_TRUE(c.has_value());
  EXPECT_FALSE(c->password);
}

TEST(ParseJdbc, Db2PropertiesAndNoHostForm)
{
  auto d = parse_jdbc("jdbc:db2://db2.acme.io:50000/SAMPLE:user=db2inst1;password=pw3;");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->database, "SAMPLE");
  EXPECT_EQ(d->password, "pw3");
  auto e = parse_jdbc("jdbc:postgresql:app?user=u&password=pw4");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->password, "pw4");
  EXPECT_EQ(e->database, "app");
  EXPECT_FALSE(parse_jdbc("postgresql://u:p@h/db").has_value());
}

TEST(ParseAdo, SqlServerStyle)
{
  const std::string text = "Server=tcp:sql.acme.io,1433;Initial Catalog=Shop;User ID=shop;Password=\"p;w\"\"x\";Encrypt=True";
  auto r = parse_ado(text);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->form, Form::ado);
  EXPECT_EQ(r->family, "mssql");
  EXPECT_EQ(r->password, "p;w\"x");
  EXPECT_EQ(r->user, "shop");
  EXPECT_EQ(r->database, "Shop");
  EXPECT_EQ(r->hosts[0].host, "sql.acme.io");
  EXPECT_EQ(r->hosts[0].port, "1433");
}

TEST(ParseAdo, NpgsqlOdbcAndInstanceNames)
{
  auto n = parse_ado("Host=pg.acme.io;Port=5432;Database=app;Username=app;Password=pw");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->family, "postgresql");
  EXPECT_EQ(n->password, "pw");
  auto o = parse_ado("DRIVER={ODBC Driver 18 for SQL Server};SERVER=sql01\\PROD;UID=etl;PWD={a}}b}");
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->password, "a}b");
  EXPECT_EQ(o->hosts[0].host, "sql01");
  auto m = parse_ado("Server=mysql.acme.io;Port=3306;Database=shop;Uid=shop;Pwd=pw");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->family, "mysql");
  auto t = parse_ado("Server=(localdb)\\mssqllocaldb;Database=App;Trusted_Connection=True");
  ASSERT_TRUE(t.has_value());
  EXPECT_FALSE(t->password);
}

TEST(ParseAdo, RejectsTextWithoutConnectionKeys)
{
  EXPECT_FALSE(parse_ado("Password=x;Foo=bar").has_value());
  EXPECT_FALSE(parse_ado("just text").has_value());
}

TEST(ParsePgpass, FieldsEscapesAndComments)
{
  const std::string line = "db.acme.io:5432:app:u\\:x:p\\:w\\\\d";
  auto r = parse_pgpass(line);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->form, Form::pgpass);
  EXPECT_EQ(r->hosts[0].host, "db.acme.io");
  EXPECT_EQ(r->hosts[0].port, "5432");
  EXPECT_EQ(r->database, "app");
  EXPECT_EQ(r->user, "u:x");
  EXPECT_EQ(r->password, "p:w\\d");
  EXPECT_EQ(line.substr(r->password_span.offset, r->password_span.length), "p\\:w\\\\d");
  EXPECT_FALSE(parse_pgpass("# comment").has_value());
  EXPECT_FALSE(parse_pgpass("a:b:c").has_value());
  auto w = parse_pgpass("*:*:*:u:pw");
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->hosts[0].host, "*");
  EXPECT_FALSE(w->database);
}

TEST(ParseMysqlDsn, GoDriverDsn)
{
  const std::string text = "app:p@ss@tcp(mysql.acme.io:3306)/shop?parseTime=true";
  auto r = parse_mysql_dsn(text);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->form, Form::mysql_dsn);
  EXPECT_EQ(r->user, "app");
  EXPECT_EQ(r->password, "p@ss");
  EXPECT_EQ(r->hosts[0].host, "mysql.acme.io");
  EXPECT_EQ(r->hosts[0].port, "3306");
  EXPECT_EQ(r->database, "shop");
  EXPECT_EQ(r->param("parseTime"), "true");
  EXPECT_FALSE(parse_mysql_dsn("app:pw@mysql.acme.io/shop").has_value());
}

TEST(ParseAny, PicksTheForm)
{
  EXPECT_EQ(parse_any("jdbc:postgresql://h/db?password=x")->form, Form::jdbc);
  EXPECT_EQ(parse_any("postgres://u:p@h/db")->form, Form::uri);
  EXPECT_EQ(parse_any("Server=h;Database=d;Password=p")->form, Form::ado);
  EXPECT_EQ(parse_any("host=h password=p")->form, Form::keyvalue);
  EXPECT_EQ(to_string(Form::mysql_dsn), "dsn");
}

}  // namespace
}  // namespace dsnguard::dsn
