// Name resolution under a deadline. Only loopback names, numeric literals and names under .invalid.
#include "verify/resolve.hpp"

#include <gtest/gtest.h>

#include "verify/address_class.hpp"
#include "verify/postgres_check.hpp"

namespace dsnguard::verify {

namespace {

Deadline in_seconds(double s)
{
  return std::chrono::steady_clock::now()
         + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
}

}  // namespace

TEST(Resolve, NumericLiteralsNeedNoLookupEvenAfterTheDeadline)
{
  const auto past = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  const auto v4 = resolve_host("127.0.0.1", past);
  ASSERT_EQ(v4.status, Resolution::Status::ok);
  EXPECT_EQ(v4.addresses, std::vector<std::string>{"127.0.0.1"});
  const auto v6 = resolve_host("::1", past);
  ASSERT_EQ(v6.status, Resolution::Status::ok);
  EXPECT_EQ(v6.addresses, std::vector<std::string>{"::1"});
}

TEST(Resolve, LocalhostResolvesToLoopbackOnly)
{
  const auto r = resolve_host("localhost", in_seconds(5));
  ASSERT_EQ(r.status, Resolution::Status::ok) << r.error;
  ASSERT_FALSE(r.addresses.empty());
  for (const auto& a : r.addresses) {
    EXPECT_EQ(classify_address(a), AddressClass::loopback) << a;
  }
}

TEST(Resolve, InvalidNamesDoNotResolve)
{
  // The system resolver may still ask its DNS server about a .invalid name (RFC 6761 lets it), and a slow server
  // takes its 5 s timeout per attempt: the deadline leaves room for two.
  const auto r = resolve_host("db.does-not-exist.invalid", in_seconds(20));
  EXPECT_EQ(r.status, Resolution::Status::not_found);
  EXPECT_FALSE(r.error.empty());
  EXPECT_TRUE(r.addresses.empty());
}

TEST(Resolve, APastDeadlineTimesOutWithoutALookup)
{
  // It used to start the lookup and race it: a resolver that fails a .invalid name within microseconds (no
  // network) sometimes answered first (a flaky test). A deadline already past now starts nothing.
  const auto r = resolve_host("deadline-test.does-not-exist.invalid", std::chrono::steady_clock::now());
  EXPECT_EQ(r.status, Resolution::Status::timed_out);
  EXPECT_NE(r.error.find("timed out"), std::string::npos);
}

}  // namespace dsnguard::verify
