// scan/audit --verify on findings: against the real PostgreSQL of the test harness (loopback only, so
// --verify-private decides), and with a fake checker for sharing, concurrency and the lockout guard.
#include "app/verify_findings.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "app/pipeline.hpp"
#include "support/postgres.hpp"

namespace dsnguard::app {

namespace {

using core::VerifyState;
using test::PostgresServer;

core::Finding pg_finding(const std::string& host, int port, const std::string& database, const std::string& user,
                         const std::string& password, const std::string& sslmode = "require")
{
  core::Finding f;
  f.rule_id = "postgres-uri";
  f.kind = core::FindingKind::secret;
  f.secret = password;
  f.attributes = {{"family", "postgresql"}, {"host", host},       {"port", std::to_string(port)},
                  {"database", database},   {"user", user},       {"sslmode", sslmode}};
  return f;
}

core::Report run_verify(std::vector<core::Finding> findings, bool verify_private, double timeout = 5.0)
{
  core::Report report;
  report.findings = std::move(findings);
  Options options;
  options.verify = true;
  options.verify_private = verify_private;
  options.timeout_seconds = timeout;
  std::ostringstream err;
  verify_findings(report, options, err);
  return report;
}

}  // namespace

TEST(VerifyFindings, LoopbackTargetsAreRefusedWithoutVerifyPrivate)
{
  auto& pg = PostgresServer::shared();
  const auto report = run_verify({pg_finding("127.0.0.1", pg.port(), PostgresServer::k_database,
                                             PostgresServer::k_user, PostgresServer::k_password),
                                  // A name is judged by the addresses it resolves to.
                                  pg_finding("localhost", pg.port(), PostgresServer::k_database,
                                             PostgresServer::k_user, PostgresServer::k_password)},
                                 /*verify_private=*/false);
  for (const auto& f : report.findings) {
    EXPECT_EQ(f.verification, VerifyState::refused) << f.verification_detail;
    EXPECT_NE(f.verification_detail.find("loopback"), std::string::npos) << f.verification_detail;
    EXPECT_NE(f.verification_detail.find("--verify-private"), std::string::npos);
  }
  EXPECT_NE(report.findings[1].verification_detail.find("\"localhost\" resolves to"), std::string::npos);
}

TEST(VerifyFindings, LiveAndRejectedWithVerifyPrivate)
{
  auto& pg = PostgresServer::shared();
  const auto report = run_verify(
    {pg_finding("127.0.0.1", pg.port(), PostgresServer::k_database, PostgresServer::k_user, PostgresServer::k_password),
     pg_finding("127.0.0.1", pg.port(), PostgresServer::k_database, PostgresServer::k_user, "leaked-but-rotated"),
     // Right password, database gone: the server authenticated first, so the credential is live.
     pg_finding("127.0.0.1", pg.port(), "dropped_db", PostgresServer::k_user, PostgresServer::k_password),
     // Wrong password, database gone: authentication fails first.
     pg_finding("127.0.0.1", pg.port(), "dropped_db", PostgresServer::k_user, "leaked-but-rotated")},
    /*verify_private=*/true);
  EXPECT_EQ(report.findings[0].verification, VerifyState::live) << report.findings[0].verification_detail;
  EXPECT_NE(report.findings[0].verification_detail.find("over TLS"), std::string::npos);
  EXPECT_EQ(report.findings[1].verification, VerifyState::rejected) << report.findings[1].verification_detail;
  EXPECT_EQ(report.findings[2].verification, VerifyState::live) << report.findings[2].verification_detail;
  EXPECT_NE(report.findings[2].verification_detail.find("database does not exist"), std::string::npos);
  EXPECT_EQ(report.findings[3].verification, VerifyState::rejected) << report.findings[3].verification_detail;
  for (const auto& f : report.findings) {
    EXPECT_EQ(f.verification_detail.find(PostgresServer::k_password), std::string::npos);
    EXPECT_EQ(f.verification_detail.find("leaked-but-rotated"), std::string::npos);
  }
  ASSERT_FALSE(report.summary.notes.empty());
  EXPECT_NE(report.summary.notes.back().find("2 live, 2 rejected"), std::string::npos) << report.summary.notes.back();
}

TEST(VerifyFindings, UnreachableTargetsWithinTheDeadline)
{
  test::RefusingPort closed;
  test::SilentListener silent;
  const auto started = std::chrono::steady_clock::now();
  const auto report = run_verify({pg_finding("127.0.0.1", closed.port(), "db", "u", "pw-a"),
                                  pg_finding("127.0.0.1", silent.port(), "db", "u", "pw-b"),
                                  pg_finding("no-such-host.invalid", 5432, "db", "u", "pw-c")},
                                 /*verify_private=*/true, /*timeout=*/1.0);
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  for (const auto& f : report.findings) {
    EXPECT_EQ(f.verification, VerifyState::unreachable) << f.verification_detail;
  }
  EXPECT_LT(elapsed, 1.0 + 0.5);  // the attempts run in parallel, each under its own deadline
}

TEST(VerifyFindings, TrustAuthenticationNeverCountsAsLive)
{
  // A 3D000 without the server asking for the password proves nothing about the password.
  verify::CheckResult r;
  r.triage = core::TriageClass::database_missing;
  r.sqlstate = "3D000";
  r.used_password = false;
  EXPECT_EQ(verify::leak_state_of(r).state, VerifyState::error);
  r.used_password = true;
  EXPECT_EQ(verify::leak_state_of(r).state, VerifyState::live);
  verify::CheckResult hba;
  hba.triage = core::TriageClass::auth_failed;
  hba.sqlstate = "28000";
  EXPECT_EQ(verify::leak_state_of(hba).state, VerifyState::error);
}

TEST(VerifyFindings, EachCredentialIsTriedOnceAndAtMostFourAtATime)
{
  std::vector<core::Finding> findings;
  for (int copy = 0; copy < 3; ++copy) {
    for (int account = 0; account < 8; ++account) {
      findings.push_back(pg_finding("db" + std::to_string(account) + ".example.com", 5432, "app", "u", "pw"));
    }
  }
  auto suppressed = pg_finding("other.example.com", 5432, "app", "u", "pw");
  suppressed.suppressed = true;
  findings.push_back(suppressed);
  auto not_postgres = pg_finding("redis.example.com", 6379, "", "", "pw");
  not_postgres.attributes[0].second = "redis";
  findings.push_back(not_postgres);

  core::Report report;
  report.findings = findings;
  std::mutex mutex;
  std::multiset<std::string> tried;
  std::atomic<int> running{0};
  std::atomic<int> peak{0};
  verify_findings_with(report,
                       [&](const verify::Target& t) {
                         const int now = ++running;
                         int seen = peak.load();
                         while (now > seen && !peak.compare_exchange_weak(seen, now)) {
                         }
                         std::this_thread::sleep_for(std::chrono::milliseconds(20));
                         {
                           std::lock_guard<std::mutex> lock(mutex);
                           tried.insert(t.param("host").value_or(""));
                         }
                         --running;
                         return verify::LeakCheck{VerifyState::rejected, "password rejected (28P01)"};
                       });
  EXPECT_EQ(tried.size(), 8u);
  for (const auto& host : tried) {
    EXPECT_EQ(tried.count(host), 1u) << host;
  }
  EXPECT_LE(peak.load(), static_cast<int>(k_verify_parallel));
  EXPECT_GE(peak.load(), 2);
  for (std::size_t i = 0; i < 24; ++i) {
    EXPECT_EQ(report.findings[i].verification, VerifyState::rejected);
  }
  EXPECT_EQ(report.findings[24].verification, VerifyState::unknown);  // suppressed
  EXPECT_EQ(report.findings[25].verification, VerifyState::unknown);  // not PostgreSQL
  ASSERT_FALSE(report.summary.notes.empty());
  EXPECT_NE(report.summary.notes.back().find("8 credentials checked: 8 rejected"), std::string::npos);
}

TEST(VerifyFindings, LockoutGuardLimitsPasswordsPerAccount)
{
  core::Report report;
  for (int i = 0; i < 5; ++i) {
    report.findings.push_back(pg_finding("db.example.com", 5432, "app", "u", "password-" + std::to_string(i)));
  }
  std::atomic<int> calls{0};
  verify_findings_with(report,
                       [&](const verify::Target&) {
                         ++calls;
                         return verify::LeakCheck{VerifyState::rejected, "password rejected (28P01)"};
                       });
  EXPECT_EQ(calls.load(), static_cast<int>(k_verify_passwords_per_account));
  EXPECT_EQ(report.findings[4].verification, VerifyState::error);
  EXPECT_NE(report.findings[4].verification_detail.find("lockout"), std::string::npos);
}

}  // namespace dsnguard::app
