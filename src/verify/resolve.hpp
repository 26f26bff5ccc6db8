#pragma once
// Host name resolution under a deadline. libpq resolves names inside PQconnectPoll, where it blocks without
// any timeout, so dsnguard resolves them itself in a worker thread and hands libpq the numeric `hostaddr`
// (keeping `host` for TLS verification and SNI). The same addresses are then classified (address_class.hpp)
// and connected to, so a name cannot resolve differently between the check and the connection.

#include <chrono>
#include <string>
#include <vector>

namespace dsnguard::verify {

struct Resolution {
  enum class Status { ok, not_found, timed_out };
  Status status = Status::ok;
  std::vector<std::string> addresses;  // numeric, getaddrinfo order, duplicates removed (status ok only)
  std::string error;                   // getaddrinfo's message when not_found
};

// Resolves `host` (a name or a numeric literal) to TCP addresses, IPv4 and IPv6. Numeric literals return at
// once without a thread. A deadline already past starts no lookup: timed_out. When the deadline passes during
// the lookup, returns timed_out and leaves the lookup to finish in a detached thread (getaddrinfo cannot be
// cancelled); its result is then discarded.
Resolution resolve_host(const std::string& host, std::chrono::steady_clock::time_point deadline);

}  // namespace dsnguard::verify
