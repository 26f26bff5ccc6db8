#include "support/postgres.hpp"

#include <libpq-fe.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "support/process.hpp"

namespace dsnguard::test {

namespace fs = std::filesystem;

namespace {

constexpr const char* k_bindir = "/usr/lib/postgresql/15/bin";
// Bump when the template's contents (roles, databases, initdb options) change.
constexpr const char* k_template_name = "pg15-template-v2";

RunOptions opts(const std::string& cwd, double timeout_seconds, const std::string& stdin_data = "")
{
  RunOptions o;
  o.cwd = cwd;
  o.timeout_seconds = timeout_seconds;
  o.stdin_data = stdin_data;
  return o;
}

bool running_as_root()
{
  return ::geteuid() == 0;
}

// argv prefixed so that it runs as the unprivileged `postgres` user when we are root.
std::vector<std::string> as_server_user(std::vector<std::string> argv)
{
  if (!running_as_root()) {
    return argv;
  }
  std::vector<std::string> out{fs::exists("/usr/sbin/runuser") ? "/usr/sbin/runuser" : "/sbin/runuser", "-u",
                               "postgres", "--"};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

void give_to_server_user(const std::string& path)
{
  if (!running_as_root()) {
    return;
  }
  const passwd* pw = ::getpwnam("postgres");
  if (pw == nullptr) {
    throw std::runtime_error("running as root but there is no 'postgres' user to run the server as");
  }
  std::error_code ec;
  if (::chown(path.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
    throw std::runtime_error("chown " + path + " failed: " + std::strerror(errno));
  }
  if (fs::is_directory(path, ec)) {
    for (const auto& e : fs::recursive_directory_iterator(path, ec)) {
      if (::lchown(e.path().c_str(), pw->pw_uid, pw->pw_gid) != 0) {
        throw std::runtime_error("chown " + e.path().string() + " failed: " + std::strerror(errno));
      }
    }
  }
}

void must_run(const std::vector<std::string>& argv, const RunOptions& options = {})
{
  const auto r = run(argv, options);
  if (r.exit_code != 0) {
    std::string cmd;
    for (const auto& a : argv) {
      cmd += a + " ";
    }
    throw std::runtime_error("command failed (" + std::to_string(r.exit_code) + "): " + cmd + "\n" + r.out + r.err);
  }
}

// Where server instances live: /dev/shm when it is a roomy tmpfs (a per-process copy of the data directory
// then costs a fraction of a second even on a busy disk), else /tmp.
std::string instance_base()
{
  struct statvfs st {};
  if (::statvfs("/dev/shm", &st) == 0 && ::access("/dev/shm", W_OK) == 0
      && static_cast<unsigned long long>(st.f_bavail) * st.f_frsize > 1024ull * 1024 * 1024) {
    return "/dev/shm";
  }
  return "/tmp";
}

std::string make_temp_dir(const std::string& prefix, const std::string& base = "/tmp")
{
  std::string tmpl = base + "/" + prefix + "XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  return tmpl;
}

int free_loopback_port()
{
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0
      || ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot find a free loopback port");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

// Binds a loopback socket on an ephemeral port; returns the fd and sets `port`.
int bind_loopback(int& port)
{
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    throw std::runtime_error("socket failed");
  }
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0
      || ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("bind failed");
  }
  port = ntohs(a.sin_port);
  return fd;
}

// Stops and deletes instances under `base` whose owning test process no longer exists (killed by a timeout,
// crashed). Live owners' instances are left alone.
void reap_stale_instances_in(const std::string& base)
{
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(base, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("dsnguard-pg-", 0) != 0) {
      continue;
    }
    std::ifstream pidfile(e.path() / "owner.pid");
    long pid = 0;
    if (!(pidfile >> pid) || pid <= 0) {
      continue;
    }
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM) {
      continue;  // still alive
    }
    if (fs::exists(e.path() / "data" / "postmaster.pid", ec)) {
      run(as_server_user({std::string(k_bindir) + "/pg_ctl", "-D", (e.path() / "data").string(), "-m", "immediate",
                          "-w", "stop"}),
          opts("/", 30));
    }
    fs::remove_all(e.path(), ec);
  }
}

void reap_stale_instances()
{
  reap_stale_instances_in("/tmp");
  reap_stale_instances_in("/dev/shm");
}

// The initdb'd template (roles and database created), built once per build tree.
std::string ensure_template()
{
  const fs::path cache = fs::path(DSNGUARD_TEST_CACHE_DIR);
  const fs::path tpl = cache / k_template_name;
  std::error_code ec;
  if (fs::exists(tpl / "PG_VERSION", ec)) {
    return tpl.string();
  }
  fs::create_directories(cache, ec);
  const std::string work = make_temp_dir("dsnguard-pgtpl-");
  try {
    give_to_server_user(work);
    const std::string data = work + "/data";
    must_run(as_server_user({std::string(k_bindir) + "/initdb", "-D", data, "-U", "admin", "-A", "trust", "--no-sync",
                             "-E", "UTF8", "--locale=C", "--no-instructions", "--wal-segsize=1"}),
             opts(work, 120));
    // Roles in single-user mode: no server, no port. The "postgres" database goes and WAL segments are 1 MB so
    // that the per-process copy stays small (about 22 MB instead of 46 MB).
    const std::string sql = std::string("CREATE ROLE ") + PostgresServer::k_user + " LOGIN PASSWORD '"
                            + PostgresServer::k_password + "';\n" + "CREATE DATABASE " + PostgresServer::k_database
                            + " OWNER " + PostgresServer::k_user + ";\n" + "SET password_encryption = 'md5';\n"
                            + "CREATE ROLE " + PostgresServer::k_md5_user + " LOGIN PASSWORD '"
                            + PostgresServer::k_md5_password + "';\n" + "DROP DATABASE postgres;\n";
    must_run(as_server_user({std::string(k_bindir) + "/postgres", "--single", "-D", data, "-F", "-c",
                             "exit_on_error=true", "template1"}),
             opts(work, 120, sql));
    const fs::path staging = cache / ("staging-" + std::to_string(::getpid()));
    fs::remove_all(staging, ec);
    must_run({"cp", "-a", data, staging.string()});
    fs::rename(staging, tpl, ec);  // another process may have won the race: then ours goes
    fs::remove_all(staging, ec);
  } catch (...) {
    fs::remove_all(work, ec);
    throw;
  }
  fs::remove_all(work, ec);
  return tpl.string();
}

void write_text(const std::string& path, const std::string& text, bool append = false)
{
  std::ofstream f(path, append ? std::ios::app : std::ios::trunc);
  f << text;
  if (!f) {
    throw std::runtime_error("cannot write " + path);
  }
}

void make_certificate(const std::string& dir, const std::string& name, const std::string& cn)
{
  must_run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", dir + "/" + name + ".key", "-out", dir + "/" + name + ".crt", "-days", "2", "-subj",
            "/CN=" + cn, "-addext", "subjectAltName=DNS:" + cn},
           opts(dir, 60));
  ::chmod((dir + "/" + name + ".key").c_str(), 0600);
}

std::mutex g_shared_mutex;
std::unique_ptr<PostgresServer> g_shared;

}  // namespace

std::string percent_encode(const std::string& s)
{
  static const char* k_hex = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(k_hex[c >> 4]);
      out.push_back(k_hex[c & 15]);
    }
  }
  return out;
}

PostgresServer& PostgresServer::shared()
{
  std::lock_guard<std::mutex> lock(g_shared_mutex);
  if (!g_shared) {
    std::unique_ptr<PostgresServer> server(new PostgresServer());
    server->start();
    g_shared = std::move(server);
    // Stopped at exit even when a test fails or calls exit(); a killed process is reaped by the next start.
    std::atexit([] { g_shared.reset(); });
  }
  return *g_shared;
}

PostgresServer::PostgresServer() = default;

PostgresServer::~PostgresServer()
{
  stop();
}

void PostgresServer::start()
{
  reap_stale_instances();
  const std::string tpl = ensure_template();
  m_dir = make_temp_dir("dsnguard-pg-", instance_base());
  write_text(m_dir + "/owner.pid", std::to_string(::getpid()) + "\n");
  m_data = m_dir + "/data";
  m_home = m_dir + "/home";
  fs::create_directories(m_home);
  must_run({"cp", "-a", tpl, m_data});
  make_certificate(m_dir, "server", "localhost");
  make_certificate(m_dir, "untrusted", "localhost");
  m_server_cert = m_dir + "/server.crt";
  m_untrusted_cert = m_dir + "/untrusted.crt";
  write_text(m_data + "/pg_hba.conf",
             "local all all trust\n"
             "hostssl all " + std::string(k_md5_user) + " 127.0.0.1/32 md5\n"
             "hostssl all all 127.0.0.1/32 scram-sha-256\n");
  std::string last_error;
  for (int attempt = 0; attempt < 3 && !m_running; ++attempt) {
    m_port = free_loopback_port();
    std::ostringstream conf;
    conf << "\n# dsnguard test harness\n"
         << "listen_addresses = '127.0.0.1'\n"
         << "port = " << m_port << "\n"
         << "unix_socket_directories = '" << m_dir << "'\n"
         << "max_connections = " << k_max_connections << "\n"
         << "superuser_reserved_connections = " << k_reserved_connections << "\n"
         << "ssl = on\nssl_cert_file = '" << m_dir << "/server.crt'\nssl_key_file = '" << m_dir << "/server.key'\n"
         << "password_encryption = 'scram-sha-256'\n"
         << "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nshared_buffers = 16MB\n"
         << "max_wal_senders = 0\nwal_level = minimal\nautovacuum = off\n";
    write_text(m_data + "/postgresql.auto.conf", conf.str());
    give_to_server_user(m_dir);
    const auto r = run(as_server_user({std::string(k_bindir) + "/pg_ctl", "-D", m_data, "-l", m_dir + "/server.log",
                                       "-w", "-t", "60", "start"}),
                       opts(m_dir, 90));
    if (r.exit_code == 0) {
      m_running = true;
    } else {
      last_error = r.out + r.err + log();
    }
  }
  if (!m_running) {
    throw std::runtime_error("PostgreSQL test server did not start:\n" + last_error);
  }
}

void PostgresServer::stop()
{
  if (m_running) {
    run(as_server_user({std::string(k_bindir) + "/pg_ctl", "-D", m_data, "-m", "immediate", "-w", "stop"}),
        opts("/", 30));
    m_running = false;
  }
  if (!m_dir.empty()) {
    std::error_code ec;
    fs::remove_all(m_dir, ec);
    m_dir.clear();
  }
}

std::string PostgresServer::log() const
{
  return read_file(m_dir + "/server.log");
}

std::string PostgresServer::url(const std::string& user, const std::string& password, const std::string& database,
                                const std::string& query) const
{
  std::string u = "postgresql://" + percent_encode(user);
  if (!password.empty()) {
    u += ":" + percent_encode(password);
  }
  u += "@127.0.0.1:" + std::to_string(m_port) + "/" + percent_encode(database);
  if (!query.empty()) {
    u += "?" + query;
  }
  return u;
}

std::string PostgresServer::app_url(const std::string& query) const
{
  return url(k_user, k_password, k_database, query);
}

PostgresServer::Held::Held(Held&& other) noexcept : m_conns(std::move(other.m_conns))
{
  other.m_conns.clear();
}

PostgresServer::Held& PostgresServer::Held::operator=(Held&& other) noexcept
{
  std::swap(m_conns, other.m_conns);
  return *this;
}

PostgresServer::Held::~Held()
{
  for (void* c : m_conns) {
    PQfinish(static_cast<PGconn*>(c));
  }
}

PostgresServer::Held PostgresServer::hold_connections(const std::string& user, int count) const
{
  Held held;
  const std::string conninfo = "host=" + m_dir + " port=" + std::to_string(m_port) + " user=" + user
                               + " dbname=" + k_database + " passfile=/dev/null/no-pgpass";
  for (int i = 0; i < count; ++i) {
    PGconn* c = PQconnectdb(conninfo.c_str());
    if (PQstatus(c) != CONNECTION_OK) {
      PQfinish(c);
      break;
    }
    held.m_conns.push_back(c);
  }
  return held;
}

RefusingPort::RefusingPort()
{
  m_fd = bind_loopback(m_port);  // bound, never listening: the kernel answers SYN with RST
}

RefusingPort::~RefusingPort()
{
  ::close(m_fd);
}

SilentListener::SilentListener()
{
  m_fd = bind_loopback(m_port);
  if (::listen(m_fd, 16) != 0) {
    throw std::runtime_error("listen failed");
  }
}

SilentListener::~SilentListener()
{
  ::close(m_fd);
}

LoopbackServer::LoopbackServer(std::function<void(int client)> handle)
{
  m_fd = bind_loopback(m_port);
  if (::listen(m_fd, 16) != 0 || ::pipe2(m_stop_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("listen failed");
  }
  m_thread = std::thread([this, handle = std::move(handle)] {
    for (;;) {
      pollfd fds[2] = {{m_fd, POLLIN, 0}, {m_stop_pipe[0], POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0 || fds[1].revents != 0) {
        return;
      }
      if (const int c = ::accept4(m_fd, nullptr, nullptr, SOCK_CLOEXEC); c >= 0) {
        handle(c);
      }
    }
  });
}

LoopbackServer::~LoopbackServer()
{
  const char x = 'x';
  [[maybe_unused]] const auto w = ::write(m_stop_pipe[1], &x, 1);
  m_thread.join();
  ::close(m_fd);
  ::close(m_stop_pipe[0]);
  ::close(m_stop_pipe[1]);
}

ClosingListener::ClosingListener() : m_server([](int client) { ::close(client); }) {}

ScriptedServer::ScriptedServer(std::string sqlstate, std::string message)
  : m_sqlstate(std::move(sqlstate)), m_message(std::move(message)), m_server([this](int client) { serve(client); })
{
}

namespace {

// Reads exactly n bytes (with a 5 s limit per read); false on EOF, error or timeout.
bool read_exact(int fd, char* buf, std::size_t n)
{
  std::size_t got = 0;
  while (got < n) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) {
      return false;
    }
    const ssize_t r = ::read(fd, buf + got, n - got);
    if (r <= 0) {
      return false;
    }
    got += static_cast<std::size_t>(r);
  }
  return true;
}

std::uint32_t be32(const char* p)
{
  return (std::uint32_t(static_cast<unsigned char>(p[0])) << 24) | (std::uint32_t(static_cast<unsigned char>(p[1])) << 16)
         | (std::uint32_t(static_cast<unsigned char>(p[2])) << 8) | std::uint32_t(static_cast<unsigned char>(p[3]));
}

}  // namespace

void ScriptedServer::serve(int c) const
{
  // SSLRequest / GSSENCRequest (8 bytes) are declined with 'N'; the startup packet is read and dropped.
  for (;;) {
    char head[8];
    if (!read_exact(c, head, 8)) {
      break;
    }
    const std::uint32_t len = be32(head);
    const std::uint32_t code = be32(head + 4);
    if (len == 8 && (code == 80877103u || code == 80877104u)) {
      const char no = 'N';
      [[maybe_unused]] const auto w = ::write(c, &no, 1);
      continue;
    }
    std::string rest(len > 8 ? len - 8 : 0, '\0');
    if (!rest.empty() && !read_exact(c, rest.data(), rest.size())) {
      break;
    }
    if (!m_sqlstate.empty()) {
      std::string body;
      body += 'S';
      body += "FATAL";
      body += '\0';
      body += 'V';
      body += "FATAL";
      body += '\0';
      body += 'C';
      body += m_sqlstate;
      body += '\0';
      body += 'M';
      body += m_message;
      body += '\0';
      body += '\0';
      const std::uint32_t n = static_cast<std::uint32_t>(body.size() + 4);
      std::string msg = "E";
      msg += static_cast<char>((n >> 24) & 0xff);
      msg += static_cast<char>((n >> 16) & 0xff);
      msg += static_cast<char>((n >> 8) & 0xff);
      msg += static_cast<char>(n & 0xff);
      msg += body;
      [[maybe_unused]] const auto w = ::write(c, msg.data(), msg.size());
    }
    break;
  }
  ::close(c);
}

}  // namespace dsnguard::test
