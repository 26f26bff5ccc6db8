// Triage of recorded libpq/server messages (PostgreSQL 15 server + libpq 15 unless noted).
#include "verify/triage.hpp"

#include <gtest/gtest.h>

#include <set>

namespace dsnguard::verify {

namespace {

using core::TriageClass;

Triage classify(const std::string& message)
{
  FailureInfo f;
  f.message = message;
  f.stage = "connect";
  return classify_failure(f);
}

const std::string k_prefix = "connection to server at \"127.0.0.1\", port 5432 failed: ";

}  // namespace

TEST(Triage, WrongPasswordBySqlstate)
{
  const auto t = classify(k_prefix + "FATAL:  28P01: password authentication failed for user \"app\"\n"
                                     "LOCATION:  auth_failed, auth.c:335\n");
  EXPECT_EQ(t.triage, TriageClass::auth_failed);
  EXPECT_EQ(t.sqlstate, "28P01");
  EXPECT_NE(t.check.find("rotate/reset the password"), std::string::npos);
}

TEST(Triage, HbaWithoutTlsMeansTlsRequiredInBothWordings)
{
  for (const std::string tail : {"no encryption", "SSL off"}) {
    const auto t = classify(k_prefix + "FATAL:  28000: no pg_hba.conf entry for host \"127.0.0.1\", user \"app\", "
                                       "database \"appdb\", " + tail + "\n");
    EXPECT_EQ(t.triage, TriageClass::tls_required) << tail;
    EXPECT_EQ(t.sqlstate, "28000");
    EXPECT_NE(t.check.find("sslmode=require"), std::string::npos);
  }
}

TEST(Triage, HbaWithTlsOrUnknownRoleIsAuthentication)
{
  EXPECT_EQ(classify(k_prefix + "FATAL:  28000: no pg_hba.conf entry for host \"10.0.0.5\", user \"app\", database "
                                "\"appdb\", SSL encryption\n").triage,
            TriageClass::auth_failed);
  EXPECT_EQ(classify(k_prefix + "FATAL:  28000: role \"ghost\" does not exist\n").triage, TriageClass::auth_failed);
}

TEST(Triage, PreferRetryDoesNotHideTheRealCause)
{
  // sslmode=prefer: the TLS attempt fails on the password, the cleartext retry on pg_hba.
  const auto t = classify(k_prefix + "FATAL:  28P01: password authentication failed for user \"app\"\n"
                          + k_prefix + "FATAL:  28000: no pg_hba.conf entry for host \"127.0.0.1\", user \"app\", "
                                       "database \"appdb\", no encryption\n");
  EXPECT_EQ(t.triage, TriageClass::auth_failed);
  EXPECT_EQ(t.sqlstate, "28P01");
}

TEST(Triage, DatabaseMissing)
{
  const auto t = classify(k_prefix + "FATAL:  3D000: database \"nosuchdb\" does not exist\n");
  EXPECT_EQ(t.triage, TriageClass::database_missing);
  EXPECT_EQ(t.sqlstate, "3D000");
}

TEST(Triage, TooManyConnectionsInEveryWordingAndLanguage)
{
  for (const std::string text : {
         "remaining connection slots are reserved for non-replication superuser connections",  // <= 15
         "remaining connection slots are reserved for roles with the SUPERUSER attribute",     // 16+
         "remaining connection slots are reserved for roles with privileges of the \"pg_use_reserved_connections\" role",
         "remaining connection slots are reserved for roles with privileges of the \"rds_reserved\" role",
         "sorry, too many clients already",
         "Verbindungsslots sind für Superuser reserviert",  // lc_messages=de: classified by SQLSTATE
       }) {
    const auto t = classify(k_prefix + "FATAL:  53300: " + text + "\n");
    EXPECT_EQ(t.triage, TriageClass::too_many_connections) << text;
    EXPECT_NE(t.check.find("pool_size"), std::string::npos);
  }
}

TEST(Triage, NotReadyIn57P03Wordings)
{
  for (const std::string text : {"the database system is starting up", "the database system is shutting down",
                                 "the database system is in recovery mode",
                                 "the database system is not yet accepting connections"}) {
    EXPECT_EQ(classify(k_prefix + "FATAL:  57P03: " + text + "\n").triage, TriageClass::not_ready) << text;
  }
}

TEST(Triage, TerminatedOrClosedConnections)
{
  EXPECT_EQ(classify("FATAL:  57P01: terminating connection due to administrator command\n").triage,
            TriageClass::connection_closed);
  const auto closed = classify(k_prefix + "server closed the connection unexpectedly\n\tThis probably means the "
                                          "server terminated abnormally\n\tbefore or while processing the request.\n");
  EXPECT_EQ(closed.triage, TriageClass::connection_closed);
  EXPECT_EQ(closed.sqlstate, "");
  EXPECT_NE(closed.check.find("pool_pre_ping=True"), std::string::npos);
  EXPECT_EQ(classify(k_prefix + "SSL SYSCALL error: EOF detected\n").triage, TriageClass::connection_closed);
}

TEST(Triage, TlsRequirementsNotMet)
{
  EXPECT_EQ(classify(k_prefix + "server does not support SSL, but SSL was required\n").triage,
            TriageClass::tls_required);
  EXPECT_EQ(classify(k_prefix + "ERROR:  connection is insecure (try using `sslmode=require`)\n").triage,
            TriageClass::tls_required);
  EXPECT_EQ(classify(k_prefix + "ERROR:  08P01: connection is insecure (try using `sslmode=require`)\n").triage,
            TriageClass::tls_required);
  EXPECT_EQ(classify("channel binding required, but SSL not in use\n").triage, TriageClass::tls_required);
  EXPECT_EQ(classify(k_prefix + "channel binding required but not supported by server's authentication request\n")
              .triage,
            TriageClass::tls_required);
}

TEST(Triage, CertificateProblems)
{
  EXPECT_EQ(classify(k_prefix + "root certificate file \"/root/.postgresql/root.crt\" does not exist\nEither provide "
                                "the file or change sslmode to disable server certificate verification.\n").triage,
            TriageClass::certificate);
  EXPECT_EQ(classify(k_prefix + "SSL error: certificate verify failed\n").triage, TriageClass::certificate);
  EXPECT_EQ(classify(k_prefix + "server certificate for \"localhost\" does not match host name \"127.0.0.1\"\n")
              .triage,
            TriageClass::certificate);
  EXPECT_EQ(classify("root certificate file \"system\" does not exist\n").triage, TriageClass::certificate);
}

TEST(Triage, UnreachableAndDns)
{
  const auto refused = classify(k_prefix + "Connection refused\n\tIs the server running on that host and accepting "
                                           "TCP/IP connections?\n");
  EXPECT_EQ(refused.triage, TriageClass::unreachable);
  EXPECT_NE(refused.check.find("sslmode=require"), std::string::npos);
  EXPECT_EQ(classify("could not translate host name \"x.invalid\" to address: Name or service not known\n").triage,
            TriageClass::unreachable);
  EXPECT_EQ(classify("timeout expired\n").triage, TriageClass::unreachable);
  EXPECT_EQ(classify("connection to server on socket \"/var/run/postgresql/.s.PGSQL.5432\" failed: No such file or "
                     "directory\n\tIs the server running locally and accepting connections on that socket?\n")
              .triage,
            TriageClass::unreachable);
  EXPECT_EQ(classify(k_prefix + "No route to host\n").triage, TriageClass::unreachable);

  FailureInfo timed_out;
  timed_out.timed_out = true;
  timed_out.stage = "connect";
  EXPECT_EQ(classify_failure(timed_out).triage, TriageClass::unreachable);
  FailureInfo dns;
  dns.dns_failed = true;
  dns.stage = "dns";
  EXPECT_EQ(classify_failure(dns).triage, TriageClass::unreachable);
  EXPECT_NE(classify_failure(dns).check.find("does not resolve"), std::string::npos);
}

TEST(Triage, ClientSideAuthAndUrlErrors)
{
  EXPECT_EQ(classify(k_prefix + "fe_sendauth: no password supplied\n").triage, TriageClass::auth_failed);
  EXPECT_EQ(classify("invalid sslmode value: \"requir\"\n").triage, TriageClass::bad_url);
  EXPECT_EQ(classify("invalid integer value \"abc\" for connection option \"port\"\n").triage, TriageClass::bad_url);
}

TEST(Triage, UnknownServerErrorKeepsItsSqlstate)
{
  const auto t = classify(k_prefix + "FATAL:  42501: permission denied for database \"appdb\"\n");
  EXPECT_EQ(t.triage, TriageClass::server_error);
  EXPECT_EQ(t.sqlstate, "42501");
}

TEST(Triage, ServerErrorsAreFoundInMessageOrder)
{
  const auto errors = server_errors_in("ERROR:  XX000: first\nFATAL:  28P01: second\nWARNING:  01000: no\n"
                                       "FATAL:  not a code\n");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].sqlstate, "XX000");
  EXPECT_EQ(errors[0].severity, "ERROR");
  EXPECT_EQ(errors[0].text, "first");
  EXPECT_EQ(errors[1].sqlstate, "28P01");
}

TEST(Triage, EachClassHasItsOwnDocumentedExitCode)
{
  EXPECT_EQ(exit_code_for(TriageClass::ok), 0);
  EXPECT_EQ(exit_code_for(TriageClass::bad_url), 2);
  EXPECT_EQ(exit_code_for(TriageClass::internal), 3);
  EXPECT_EQ(exit_code_for(TriageClass::auth_failed), 4);
  EXPECT_EQ(exit_code_for(TriageClass::unreachable), 5);
  EXPECT_EQ(exit_code_for(TriageClass::tls_required), 6);
  EXPECT_EQ(exit_code_for(TriageClass::certificate), 7);
  EXPECT_EQ(exit_code_for(TriageClass::database_missing), 8);
  EXPECT_EQ(exit_code_for(TriageClass::too_many_connections), 9);
  EXPECT_EQ(exit_code_for(TriageClass::connection_closed), 10);
  EXPECT_EQ(exit_code_for(TriageClass::not_ready), 11);
  EXPECT_EQ(exit_code_for(TriageClass::server_error), 12);
}

}  // namespace dsnguard::verify
