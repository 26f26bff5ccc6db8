#include "verify/postgres_check.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>

#include "util/strings.hpp"
#include "verify/address_class.hpp"
#include "verify/resolve.hpp"
#include "verify/triage.hpp"

extern char** environ;

namespace dsnguard::verify {

namespace {

using Clock = std::chrono::steady_clock;

struct ConnFinish {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnFinish>;
struct ResultClear {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultClear>;

double ms_since(Clock::time_point start)
{
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

enum class Wait { ready, timeout, error };

// Waits until `fd` is ready for `events` or the deadline passes.
Wait wait_socket(int fd, short events, Deadline deadline)
{
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      return Wait::timeout;
    }
    pollfd p{fd, events, 0};
    // +1 ms so that a sub-millisecond remainder does not spin.
    const int rc = ::poll(&p, 1, static_cast<int>(left) + 1);
    if (rc > 0) {
      return Wait::ready;
    }
    if (rc == 0) {
      continue;  // re-check the deadline
    }
    if (errno != EINTR) {
      return Wait::error;
    }
  }
}

// libpq's message without the LOCATION lines of verbose mode and without trailing whitespace.
std::string clean_message(std::string_view raw)
{
  std::string out;
  for (const auto line : util::split(raw, '\n')) {
    if (util::trim(line).rfind("LOCATION:", 0) == 0) {
      continue;
    }
    if (!out.empty()) {
      out += '\n';
    }
    out.append(line);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ' || out.back() == '\t')) {
    out.pop_back();
  }
  return out;
}

bool is_socket_host(const std::string& host)
{
  return host.empty() || host.front() == '/' || host.front() == '@';
}

std::string join(const std::vector<std::string>& items)
{
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += (i == 0 ? "" : ",") + items[i];
  }
  return out;
}

std::vector<std::string> split_list(const std::string& s)
{
  std::vector<std::string> out;
  for (const auto item : util::split(s, ',')) {
    out.emplace_back(util::trim(item));
  }
  return out;
}

void fill_failure(CheckResult& r, const FailureInfo& info, const Target& target)
{
  const Triage t = classify_failure(info);
  r.ok = false;
  r.triage = t.triage;
  r.sqlstate = t.sqlstate;
  r.check = t.check;
  r.stage = info.stage;
  r.message = scrub(clean_message(info.message), target.secrets);
}

// The host/hostaddr/port lists handed to libpq: each host name resolved by us, one entry per address.
struct Endpoints {
  std::vector<std::string> hosts;
  std::vector<std::string> addrs;
  std::vector<std::string> ports;
};

// Resolves every host of the target (unless the URL already gives its hostaddr). Fills `r` and returns false
// when nothing is left to connect to or the address policy refuses the target.
bool resolve_endpoints(const Target& target, const CheckOptions& options, Endpoints& out, CheckResult& r)
{
  // Where libpq would take the host from: the URL, else (not isolated) PGHOST / PGHOSTADDR, which libpq would
  // otherwise resolve itself, blocking and without our deadline.
  std::optional<std::string> host_param = target.param("host");
  std::optional<std::string> hostaddr_param = target.param("hostaddr");
  if (!host_param && !hostaddr_param && !options.isolated) {
    if (const char* env = std::getenv("PGHOST"); env != nullptr && *env != '\0') {
      host_param = env;
    }
    if (const char* env = std::getenv("PGHOSTADDR"); env != nullptr && *env != '\0') {
      hostaddr_param = env;
    }
  }
  if (!host_param && hostaddr_param) {
    host_param = hostaddr_param;  // hostaddr alone: the addresses are the hosts
  }
  if (!host_param) {
    if (options.public_only) {
      r.refused = true;
      r.refused_reason = "no host: the default Unix socket is local";
      return false;
    }
    return true;  // libpq's default Unix socket: no DNS
  }
  const std::vector<std::string> hosts = split_list(*host_param);
  const std::vector<std::string> given_addrs = split_list(hostaddr_param.value_or(""));
  const std::vector<std::string> ports = split_list(target.param("port").value_or(""));
  std::string dns_errors;
  bool dns_timed_out = false;
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    const std::string& host = hosts[i];
    const std::string port = ports.size() == hosts.size() ? ports[i] : (ports.empty() ? "" : ports.front());
    std::vector<std::string> addrs;
    if (i < given_addrs.size() && !given_addrs[i].empty()) {
      addrs.push_back(given_addrs[i]);
    } else if (is_socket_host(host)) {
      if (options.public_only) {
        r.refused = true;
        r.refused_reason = "\"" + host + "\" is a local Unix socket";
        return false;
      }
      addrs.emplace_back();  // empty hostaddr item: libpq uses the socket path
    } else {
      const auto started = Clock::now();
      Resolution res = resolve_host(host, options.deadline);
      r.round.dns_ms += ms_since(started);
      if (res.status != Resolution::Status::ok) {
        dns_timed_out = dns_timed_out || res.status == Resolution::Status::timed_out;
        dns_errors += "could not translate host name \"" + host + "\" to address: " + res.error + "\n";
        continue;
      }
      addrs = std::move(res.addresses);
    }
    for (const auto& a : addrs) {
      if (options.public_only && !a.empty()) {
        const auto cls = classify_address(a);
        if (!cls || !is_public(*cls)) {
          r.refused = true;
          r.refused_reason = "\"" + host + "\" resolves to " + a + " ("
                             + std::string(cls ? to_string(*cls) : "not an IP address") + ")";
          return false;
        }
      }
      out.hosts.push_back(host);
      out.addrs.push_back(a);
      out.ports.push_back(port);
    }
  }
  if (out.hosts.empty()) {
    FailureInfo info;
    info.stage = "dns";
    info.timed_out = dns_timed_out;
    info.dns_failed = true;
    info.message = dns_errors;
    fill_failure(r, info, target);
    return false;
  }
  return true;
}

// Runs SELECT 1 on a connected `conn` under the deadline. Fills `r` on failure and returns false.
bool run_select_one(PGconn* conn, const Target& target, Deadline deadline, CheckResult& r)
{
  const auto started = Clock::now();
  FailureInfo info;
  info.stage = "query";
  const auto failed = [&](bool timed_out) {
    info.timed_out = timed_out;
    info.message = timed_out ? "timed out waiting for the result of SELECT 1" : PQerrorMessage(conn);
    fill_failure(r, info, target);
    return false;
  };
  if (PQsetnonblocking(conn, 1) != 0 || PQsendQuery(conn, "SELECT 1") == 0) {
    return failed(false);
  }
  for (;;) {
    const int flushed = PQflush(conn);
    if (flushed == 0) {
      break;
    }
    if (flushed < 0) {
      return failed(false);
    }
    const Wait w = wait_socket(PQsocket(conn), POLLIN | POLLOUT, deadline);
    if (w != Wait::ready) {
      return failed(w == Wait::timeout);
    }
    if (PQconsumeInput(conn) == 0) {
      return failed(false);
    }
  }
  std::string value;
  std::string result_error;
  bool tuples = false;
  for (;;) {
    while (PQisBusy(conn) != 0) {
      const Wait w = wait_socket(PQsocket(conn), POLLIN, deadline);
      if (w != Wait::ready) {
        return failed(w == Wait::timeout);
      }
      if (PQconsumeInput(conn) == 0) {
        return failed(false);
      }
    }
    ResultPtr res(PQgetResult(conn));
    if (!res) {
      break;
    }
    if (PQresultStatus(res.get()) == PGRES_TUPLES_OK && PQntuples(res.get()) == 1 && PQnfields(res.get()) == 1) {
      tuples = true;
      value = PQgetvalue(res.get(), 0, 0);
    } else if (PQresultStatus(res.get()) != PGRES_TUPLES_OK) {
      result_error += PQresultErrorMessage(res.get());
    }
  }
  r.round.query_ms = ms_since(started);
  if (!result_error.empty() || !tuples) {
    info.message = result_error.empty() ? std::string(PQerrorMessage(conn)) : result_error;
    if (info.message.empty()) {
      info.message = "SELECT 1 returned no row";
    }
    fill_failure(r, info, target);
    return false;
  }
  if (value != "1") {
    info.message = "SELECT 1 returned \"" + util::printable(value) + "\"";
    fill_failure(r, info, target);
    return false;
  }
  return true;
}

std::string or_empty(const char* s)
{
  return s != nullptr ? s : "";
}

}  // namespace

CheckResult check_postgres(const Target& target, const CheckOptions& options)
{
  CheckResult r;
  r.user = target.param("user").value_or("");
  r.database = target.param("dbname").value_or("");
  r.host = target.param("host").value_or("");
  r.port = target.param("port").value_or("");

  Endpoints endpoints;
  if (!resolve_endpoints(target, options, endpoints, r)) {
    return r;
  }

  std::vector<std::pair<std::string, std::string>> params;
  for (const auto& [k, v] : target.params) {
    if (k != "host" && k != "hostaddr" && k != "port" && k != "passfile" && k != "connect_timeout") {
      params.emplace_back(k, v);
    }
  }
  if (!endpoints.hosts.empty()) {
    params.emplace_back("host", join(endpoints.hosts));
    params.emplace_back("hostaddr", join(endpoints.addrs));
    bool any_port = false;
    for (const auto& p : endpoints.ports) {
      any_port = any_port || !p.empty();
    }
    if (any_port) {
      params.emplace_back("port", join(endpoints.ports));
    }
  } else if (const auto port = target.param("port")) {
    params.emplace_back("port", *port);
  }
  if (options.isolated) {
    params.emplace_back("passfile", "/dev/null/no-pgpass");
  } else if (const auto passfile = target.param("passfile")) {
    params.emplace_back("passfile", *passfile);
  }
  params.emplace_back("fallback_application_name", "dsnguard");
  std::vector<const char*> keys;
  std::vector<const char*> values;
  for (const auto& [k, v] : params) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);

  const auto started = Clock::now();
  FailureInfo info;
  info.stage = "connect";
  ConnPtr conn(PQconnectStartParams(keys.data(), values.data(), 0));
  if (!conn) {
    r.triage = core::TriageClass::internal;
    r.stage = "connect";
    r.message = "libpq could not allocate a connection";
    r.check = "retry; report a bug if it persists";
    return r;
  }
  PQsetErrorVerbosity(conn.get(), PQERRORS_VERBOSE);
  PostgresPollingStatusType status = PGRES_POLLING_WRITING;
  if (PQstatus(conn.get()) == CONNECTION_BAD) {
    status = PGRES_POLLING_FAILED;
  }
  while (status != PGRES_POLLING_OK && status != PGRES_POLLING_FAILED) {
    // The socket can change between calls (next address, TLS retry): re-read it every round.
    const int fd = PQsocket(conn.get());
    if (fd < 0) {
      status = PGRES_POLLING_FAILED;
      break;
    }
    const Wait w = wait_socket(fd, status == PGRES_POLLING_READING ? POLLIN : POLLOUT, options.deadline);
    if (w == Wait::timeout) {
      info.timed_out = true;
      info.message = "timed out after " + std::to_string(static_cast<long>(ms_since(started))) + " ms connecting to "
                     + join(endpoints.addrs);
      r.used_password = PQconnectionUsedPassword(conn.get()) != 0;
      fill_failure(r, info, target);
      r.round.connect_ms = ms_since(started);
      return r;
    }
    if (w == Wait::error) {
      info.message = std::string("poll() failed: ") + std::strerror(errno);
      fill_failure(r, info, target);
      return r;
    }
    status = PQconnectPoll(conn.get());
  }
  r.round.connect_ms = ms_since(started);
  r.used_password = PQconnectionUsedPassword(conn.get()) != 0;
  if (status == PGRES_POLLING_FAILED) {
    info.message = PQerrorMessage(conn.get());
    fill_failure(r, info, target);
    return r;
  }

  r.host = or_empty(PQhost(conn.get()));
  r.hostaddr = or_empty(PQhostaddr(conn.get()));
  r.port = or_empty(PQport(conn.get()));
  r.user = or_empty(PQuser(conn.get()));
  r.database = or_empty(PQdb(conn.get()));
  r.server_version = or_empty(PQparameterStatus(conn.get(), "server_version"));
  r.tls_in_use = PQsslInUse(conn.get()) != 0;
  if (r.tls_in_use) {
    r.tls_protocol = or_empty(PQsslAttribute(conn.get(), "protocol"));
    r.tls_cipher = or_empty(PQsslAttribute(conn.get(), "cipher"));
  }
  if (!run_select_one(conn.get(), target, options.deadline, r)) {
    return r;
  }
  r.ok = true;
  r.round.ok = true;
  return r;
}

void isolate_environment()
{
  std::vector<std::string> names;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string_view kv = *e;
    if (kv.size() > 2 && kv[0] == 'P' && kv[1] == 'G') {
      names.emplace_back(kv.substr(0, kv.find('=')));
    }
  }
  for (const auto& n : names) {
    ::unsetenv(n.c_str());
  }
}

}  // namespace dsnguard::verify
