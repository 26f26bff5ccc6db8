// The address classifier on literal addresses only: no socket is ever opened here.
#include "verify/address_class.hpp"

#include <gtest/gtest.h>

namespace dsnguard::verify {

namespace {

AddressClass cls(const char* literal)
{
  const auto c = classify_address(literal);
  EXPECT_TRUE(c.has_value()) << literal;
  return c.value_or(AddressClass::public_address);
}

}  // namespace

TEST(AddressClass, Ipv4Ranges)
{
  EXPECT_EQ(cls("127.0.0.1"), AddressClass::loopback);
  EXPECT_EQ(cls("127.255.1.2"), AddressClass::loopback);
  EXPECT_EQ(cls("10.0.0.1"), AddressClass::private_network);
  EXPECT_EQ(cls("172.16.0.1"), AddressClass::private_network);
  EXPECT_EQ(cls("172.31.255.255"), AddressClass::private_network);
  EXPECT_EQ(cls("172.32.0.1"), AddressClass::public_address);
  EXPECT_EQ(cls("172.15.255.255"), AddressClass::public_address);
  EXPECT_EQ(cls("192.168.1.10"), AddressClass::private_network);
  EXPECT_EQ(cls("169.254.169.254"), AddressClass::link_local);  // cloud metadata endpoint
  EXPECT_EQ(cls("100.64.0.1"), AddressClass::cgnat);
  EXPECT_EQ(cls("100.127.255.254"), AddressClass::cgnat);
  EXPECT_EQ(cls("100.128.0.1"), AddressClass::public_address);
  EXPECT_EQ(cls("0.0.0.0"), AddressClass::unspecified);
  EXPECT_EQ(cls("224.0.0.251"), AddressClass::multicast);
  EXPECT_EQ(cls("255.255.255.255"), AddressClass::reserved);
  EXPECT_EQ(cls("240.0.0.1"), AddressClass::reserved);
  EXPECT_EQ(cls("198.18.0.1"), AddressClass::reserved);
  EXPECT_EQ(cls("192.0.2.10"), AddressClass::reserved);
  EXPECT_EQ(cls("8.8.8.8"), AddressClass::public_address);
  EXPECT_EQ(cls("52.1.2.3"), AddressClass::public_address);
}

TEST(AddressClass, Ipv6Ranges)
{
  EXPECT_EQ(cls("::1"), AddressClass::loopback);
  EXPECT_EQ(cls("::"), AddressClass::unspecified);
  EXPECT_EQ(cls("fc00::1"), AddressClass::unique_local);
  EXPECT_EQ(cls("fd12:3456:789a::1"), AddressClass::unique_local);
  EXPECT_EQ(cls("fe80::1"), AddressClass::link_local);
  EXPECT_EQ(cls("fe80::1%eth0"), AddressClass::link_local);
  EXPECT_EQ(cls("fec0::1"), AddressClass::private_network);
  EXPECT_EQ(cls("ff02::1"), AddressClass::multicast);
  EXPECT_EQ(cls("2001:db8::1"), AddressClass::reserved);
  EXPECT_EQ(cls("2600:1f18::1"), AddressClass::public_address);
  EXPECT_EQ(cls("2a05:d018::5"), AddressClass::public_address);
}

TEST(AddressClass, EmbeddedIpv4IsClassifiedByTheEmbeddedAddress)
{
  EXPECT_EQ(cls("::ffff:127.0.0.1"), AddressClass::loopback);
  EXPECT_EQ(cls("::ffff:10.1.2.3"), AddressClass::private_network);
  EXPECT_EQ(cls("::ffff:8.8.8.8"), AddressClass::public_address);
  EXPECT_EQ(cls("64:ff9b::7f00:1"), AddressClass::loopback);
  EXPECT_EQ(cls("64:ff9b::c0a8:101"), AddressClass::private_network);
  EXPECT_EQ(cls("64:ff9b:1::1"), AddressClass::private_network);
  EXPECT_EQ(cls("2002:0a00:0001::1"), AddressClass::private_network);  // 6to4 of 10.0.0.1
  EXPECT_EQ(cls("::127.0.0.1"), AddressClass::loopback);
}

TEST(AddressClass, NamesAreNotAddresses)
{
  EXPECT_FALSE(classify_address("localhost").has_value());
  EXPECT_FALSE(classify_address("db.example.com").has_value());
  EXPECT_FALSE(classify_address("").has_value());
  EXPECT_FALSE(classify_address("127.0.0.1.nip.io").has_value());
}

TEST(AddressClass, OnlyPublicIsAllowedByDefault)
{
  EXPECT_TRUE(is_public(AddressClass::public_address));
  for (const auto c : {AddressClass::loopback, AddressClass::private_network, AddressClass::link_local,
                       AddressClass::cgnat, AddressClass::unique_local, AddressClass::unspecified,
                       AddressClass::multicast, AddressClass::reserved}) {
    EXPECT_FALSE(is_public(c)) << to_string(c);
  }
}

}  // namespace dsnguard::verify
