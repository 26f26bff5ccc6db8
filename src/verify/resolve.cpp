#include "verify/resolve.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace dsnguard::verify {

namespace {

// Shared between the waiting caller and the (possibly abandoned) lookup thread.
struct LookupState {
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  Resolution result;
};

std::string numeric_host(const sockaddr* sa, socklen_t len)
{
  char buf[NI_MAXHOST];
  if (::getnameinfo(sa, len, buf, sizeof buf, nullptr, 0, NI_NUMERICHOST) != 0) {
    return {};
  }
  return buf;
}

Resolution lookup(const std::string& host)
{
  Resolution r;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &list);
  if (rc != 0) {
    r.status = Resolution::Status::not_found;
    r.error = ::gai_strerror(rc);
    return r;
  }
  for (const addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) {
      continue;
    }
    std::string text = numeric_host(ai->ai_addr, ai->ai_addrlen);
    if (!text.empty() && std::find(r.addresses.begin(), r.addresses.end(), text) == r.addresses.end()) {
      r.addresses.push_back(std::move(text));
    }
  }
  ::freeaddrinfo(list);
  if (r.addresses.empty()) {
    r.status = Resolution::Status::not_found;
    r.error = "no IPv4 or IPv6 address";
  }
  return r;
}

bool is_numeric(const std::string& host)
{
  in_addr a4{};
  in6_addr a6{};
  return ::inet_pton(AF_INET, host.c_str(), &a4) == 1 || ::inet_pton(AF_INET6, host.c_str(), &a6) == 1;
}

}  // namespace

Resolution resolve_host(const std::string& host, std::chrono::steady_clock::time_point deadline)
{
  if (is_numeric(host)) {
    Resolution r;
    r.addresses.push_back(host);
    return r;
  }
  const auto timed_out = [&host] {
    Resolution r;
    r.status = Resolution::Status::timed_out;
    r.error = "timed out resolving \"" + host + "\"";
    return r;
  };
  if (std::chrono::steady_clock::now() >= deadline) {
    return timed_out();
  }
  auto state = std::make_shared<LookupState>();
  std::thread([state, host] {
    Resolution r = lookup(host);
    std::lock_guard<std::mutex> lock(state->mutex);
    state->result = std::move(r);
    state->done = true;
    state->done_cv.notify_all();
  }).detach();
  std::unique_lock<std::mutex> lock(state->mutex);
  if (!state->done_cv.wait_until(lock, deadline, [&] { return state->done; })) {
    return timed_out();
  }
  return state->result;
}

}  // namespace dsnguard::verify
