#include "verify/address_class.hpp"

#include <arpa/inet.h>

#include <array>
#include <cstdint>
#include <string>

namespace dsnguard::verify {

namespace {

bool in_v4(std::uint32_t a, std::uint32_t net, int bits)
{
  const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
  return (a & mask) == (net & mask);
}

constexpr std::uint32_t v4(unsigned a, unsigned b, unsigned c, unsigned d)
{
  return (a << 24) | (b << 16) | (c << 8) | d;
}

AddressClass classify_v4(std::uint32_t a)
{
  if (in_v4(a, v4(127, 0, 0, 0), 8)) {
    return AddressClass::loopback;
  }
  if (in_v4(a, v4(0, 0, 0, 0), 8)) {
    return AddressClass::unspecified;
  }
  if (in_v4(a, v4(10, 0, 0, 0), 8) || in_v4(a, v4(172, 16, 0, 0), 12) || in_v4(a, v4(192, 168, 0, 0), 16)) {
    return AddressClass::private_network;
  }
  if (in_v4(a, v4(169, 254, 0, 0), 16)) {
    return AddressClass::link_local;
  }
  if (in_v4(a, v4(100, 64, 0, 0), 10)) {
    return AddressClass::cgnat;
  }
  if (in_v4(a, v4(224, 0, 0, 0), 4)) {
    return AddressClass::multicast;
  }
  if (in_v4(a, v4(240, 0, 0, 0), 4) || in_v4(a, v4(192, 0, 0, 0), 24) || in_v4(a, v4(192, 0, 2, 0), 24)
      || in_v4(a, v4(198, 18, 0, 0), 15) || in_v4(a, v4(198, 51, 100, 0), 24) || in_v4(a, v4(203, 0, 113, 0), 24)) {
    return AddressClass::reserved;
  }
  return AddressClass::public_address;
}

std::uint32_t v4_at(const std::array<std::uint8_t, 16>& b, std::size_t at)
{
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) | (std::uint32_t{b[at + 2]} << 8)
         | std::uint32_t{b[at + 3]};
}

AddressClass classify_v6(const std::array<std::uint8_t, 16>& b)
{
  bool zero_to_10 = true;
  for (std::size_t i = 0; i < 10; ++i) {
    zero_to_10 = zero_to_10 && b[i] == 0;
  }
  if (zero_to_10 && b[10] == 0 && b[11] == 0) {
    const std::uint32_t tail = v4_at(b, 12);
    if (tail == 0) {
      return AddressClass::unspecified;  // ::
    }
    if (tail == 1) {
      return AddressClass::loopback;  // ::1
    }
    return classify_v4(tail);  // ::a.b.c.d (deprecated IPv4-compatible)
  }
  if (zero_to_10 && b[10] == 0xff && b[11] == 0xff) {
    return classify_v4(v4_at(b, 12));  // ::ffff:a.b.c.d
  }
  // 64:ff9b::/96 (well-known NAT64 prefix)
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) {
    bool zero = true;
    for (std::size_t i = 4; i < 12; ++i) {
      zero = zero && b[i] == 0;
    }
    if (zero) {
      return classify_v4(v4_at(b, 12));
    }
    if (b[4] == 0x00 && b[5] == 0x01) {
      return AddressClass::private_network;  // 64:ff9b:1::/48, local-use NAT64
    }
  }
  if (b[0] == 0x20 && b[1] == 0x02) {
    return classify_v4(v4_at(b, 2));  // 6to4
  }
  if ((b[0] & 0xfe) == 0xfc) {
    return AddressClass::unique_local;
  }
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) {
    return AddressClass::link_local;
  }
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) {
    return AddressClass::private_network;  // fec0::/10, deprecated site-local
  }
  if (b[0] == 0xff) {
    return AddressClass::multicast;
  }
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) {
    return AddressClass::reserved;  // 2001:db8::/32 documentation
  }
  if (b[0] == 0x01 && b[1] == 0x00 && b[2] == 0 && b[3] == 0 && b[4] == 0 && b[5] == 0 && b[6] == 0 && b[7] == 0) {
    return AddressClass::reserved;  // 100::/64 discard-only
  }
  return AddressClass::public_address;
}

}  // namespace

std::optional<AddressClass> classify_address(std::string_view literal)
{
  std::string text(literal);
  if (const auto pct = text.find('%'); pct != std::string::npos) {
    text.resize(pct);  // zone index of a scoped IPv6 address
  }
  in_addr a4{};
  if (::inet_pton(AF_INET, text.c_str(), &a4) == 1) {
    return classify_v4(ntohl(a4.s_addr));
  }
  in6_addr a6{};
  if (::inet_pton(AF_INET6, text.c_str(), &a6) == 1) {
    std::array<std::uint8_t, 16> bytes{};
    for (std::size_t i = 0; i < 16; ++i) {
      bytes[i] = a6.s6_addr[i];
    }
    return classify_v6(bytes);
  }
  return std::nullopt;
}

bool is_public(AddressClass c)
{
  return c == AddressClass::public_address;
}

std::string_view to_string(AddressClass c)
{
  switch (c) {
  case AddressClass::public_address: return "public";
  case AddressClass::loopback: return "loopback";
  case AddressClass::private_network: return "private (RFC 1918)";
  case AddressClass::link_local: return "link-local";
  case AddressClass::cgnat: return "CGNAT (100.64.0.0/10)";
  case AddressClass::unique_local: return "unique-local IPv6";
  case AddressClass::unspecified: return "unspecified (this host)";
  case AddressClass::multicast: return "multicast";
  case AddressClass::reserved: return "reserved";
  }
  return "reserved";
}

}  // namespace dsnguard::verify
