#pragma once
// Classification of numeric IP addresses for leaked-credential verification: dsnguard only contacts public
// addresses unless --verify-private. Pure functions on address literals (inet_pton only, never a socket), so
// every range is unit-tested without touching the network. Callers classify the RESOLVED addresses, never
// only the host name (a public name can resolve to 127.0.0.1).

#include <optional>
#include <string_view>

namespace dsnguard::verify {

enum class AddressClass {
  public_address,  // anything not listed below
  loopback,        // 127.0.0.0/8, ::1
  private_network, // RFC 1918 (10/8, 172.16/12, 192.168/16), fec0::/10, 64:ff9b:1::/48
  link_local,      // 169.254.0.0/16, fe80::/10
  cgnat,           // 100.64.0.0/10 (RFC 6598 shared address space)
  unique_local,    // fc00::/7
  unspecified,     // 0.0.0.0/8, :: (connects to the local host on Linux)
  multicast,       // 224.0.0.0/4, ff00::/8
  reserved,        // 240/4, broadcast, benchmarking, documentation and protocol-assignment ranges
};

// Classifies an IPv4 or IPv6 literal ("10.1.2.3", "::ffff:127.0.0.1", "fe80::1%eth0"). IPv4-mapped, IPv4-compatible,
// NAT64 (64:ff9b::/96) and 6to4 (2002::/16) addresses are classified by the IPv4 address they embed.
// Returns nullopt when `literal` is not a numeric address.
std::optional<AddressClass> classify_address(std::string_view literal);

// True when --verify may contact an address of this class without --verify-private.
bool is_public(AddressClass c);

// Lower-case name for messages: "loopback", "private (RFC 1918)", "link-local", "CGNAT", ...
std::string_view to_string(AddressClass c);

}  // namespace dsnguard::verify
