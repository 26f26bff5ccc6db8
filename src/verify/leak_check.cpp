#include "verify/leak_check.hpp"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace dsnguard::verify {

LeakCheck leak_state_of(const CheckResult& r)
{
  using core::TriageClass;
  using core::VerifyState;
  const std::string who = (r.user.empty() ? std::string("(default user)") : r.user) + "@"
                          + (r.database.empty() ? std::string("(default database)") : r.database);
  if (r.refused) {
    return {VerifyState::refused, "not contacted: " + r.refused_reason + "; pass --verify-private to allow"};
  }
  if (r.ok) {
    return {VerifyState::live, "SELECT 1 succeeded as " + who + (r.tls_in_use ? " over TLS" : " without TLS")};
  }
  const std::string first_line = r.message.substr(0, r.message.find('\n'));
  const std::string code = r.sqlstate.empty() ? "" : " (" + r.sqlstate + ")";
  switch (r.triage) {
  case TriageClass::auth_failed:
    if (r.sqlstate == "28P01") {
      return {VerifyState::rejected, "password rejected" + code};
    }
    return {VerifyState::error, "authentication not attempted" + code + ": " + first_line};
  case TriageClass::database_missing:
    if (r.used_password) {
      return {VerifyState::live, "the server accepted the password for " + (r.user.empty() ? "(default user)" : r.user)
                                   + " (the database does not exist)"};
    }
    return {VerifyState::error, "the database does not exist and the server never asked for the password" + code};
  case TriageClass::unreachable: return {VerifyState::unreachable, first_line};
  default: break;
  }
  return {VerifyState::error, std::string(core::to_string(r.triage)) + code + ": " + first_line};
}

LeakCheck check_leaked_credential(const Target& target, double timeout_seconds, bool allow_private)
{
  CheckOptions options;
  options.deadline = std::chrono::steady_clock::now()
                     + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                       std::chrono::duration<double>(timeout_seconds));
  options.isolated = true;
  options.public_only = !allow_private;
  // Send the leaked host nothing of ours: no client certificate from ~/.postgresql (it would identify the
  // person running the scan) and no GSSAPI, which could contact a Kerberos KDC (another host).
  Target own = target;
  own.set("sslcert", "/dev/null/no-client-cert");
  own.set("sslkey", "/dev/null/no-client-key");
  own.set("gssencmode", "disable");
  return leak_state_of(check_postgres(own, options));
}

void run_parallel(std::size_t count, unsigned parallel, const std::function<void(std::size_t)>& job)
{
  const std::size_t workers = std::min<std::size_t>(std::max(1u, parallel), count);
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> threads;
  threads.reserve(workers);
  for (std::size_t w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      for (std::size_t i = next++; i < count; i = next++) {
        job(i);
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
}

}  // namespace dsnguard::verify
