#pragma once
// Judgement of a parsed credential: placeholder or real, how confident, how bad the host is; and redaction.

#include <optional>
#include <string>
#include <string_view>

#include "core/types.hpp"
#include "dsn/conninfo.hpp"

namespace dsnguard::dsn {

enum class PasswordKind {
  literal,        // a real-looking password
  empty,          // present but empty
  interpolation,  // ${VAR}, $VAR, %(var)s, {{ var }}, $(cmd), %VAR%, #{x}, @VAR@, __X__, {0}, %s ...
  placeholder,    // <password>, [password], password, changeme, YOUR_PASSWORD, xxx, ****, ...
  encrypted,      // ENC[...], {cipher}..., !vault
  redacted,       // a mask as printed by tools (***, [REDACTED])
};

// Classifies a decoded password. `user` helps recognise user==password container defaults (not placeholders).
PasswordKind classify_password(std::string_view password, std::string_view user = {});
// For a shell default `${NAME:-literal}` (also `${NAME-literal}`, `${NAME:=literal}`, Spring `${NAME:literal}`): the
// span of the committed
// literal inside `password`; nullopt for anything else (including an empty default).
std::optional<Span> shell_default_literal(std::string_view password);
// A weak or default password (postgres, root, admin, secret, 123456, user == password, ...).
bool is_weak_password(std::string_view password, std::string_view user = {});

enum class HostKind {
  loopback,          // localhost, *.localhost, 127.0.0.0/8, ::1, 0.0.0.0
  unix_socket,       // "" or absolute path
  private_net,       // RFC 1918, fc00::/7
  link_local,        // 169.254/16, fe80::/10
  cgnat,             // 100.64.0.0/10
  documentation,     // example.com/.org/.net, *.example, *.test, *.invalid, RFC 5737, 2001:db8::/32, "host", "hostname"
  compose_internal,  // single-label names (db, postgres, mysql, redis...)
  managed,           // a known cloud provider host (see provider_of)
  public_host,       // anything else
};

HostKind classify_host(std::string_view host);
// "neon", "supabase", "rds", "heroku", "azure", "cloudsql", "render", "railway", "aiven", "digitalocean",
// "timescale", "crunchy", "planetscale", "mongodb-atlas", "upstash", "redis-cloud", "cockroach-cloud", or nullopt.
std::optional<std::string> provider_of(std::string_view host);
// True for a connection pooler: Neon "-pooler." hosts, pooler.supabase.com, ports 6432/6543.
bool is_pooler(const ConnInfo& info);
// True when every host is loopback/socket/documentation/compose-internal (no real remote host).
bool all_hosts_local(const ConnInfo& info);
// True when the exact string is a published sample credential (tutorial URLs, docker defaults on docs hosts).
bool is_known_sample(const ConnInfo& info);

struct Verdict {
  bool report = false;  // false: placeholder, interpolation, no password, documentation host...
  core::Confidence confidence = core::Confidence::high;
  std::string reason;   // short phrase, e.g. "placeholder password", "weak password on loopback host"
};

// True for paths whose content is documentation, tests, fixtures, examples or templates (README*, *.md, docs/,
// test/, tests/, fixtures/, *_test.go, test_*.py, *.spec.ts, .env.example, ...): confidence is lowered one step.
bool is_low_trust_path(std::string_view path);

// True for docker-compose / compose.* files, Dockerfiles, Containerfiles and CI pipeline files (.github/workflows/,
// .gitlab-ci.yml, ...): a password assigned there without a host configures a local or service container (judged
// like a compose-internal host).
bool is_container_config_path(std::string_view path);

// The full judgement of a credential found by a rule: applies the ladder placeholder -> suppressed,
// weak/default on local hosts -> low, strong on local -> medium, literal on real host -> high (a password
// without a host: high, or as local in container configs), and lowers
// one step for test/docs/template paths. `path` may be "".
Verdict judge(const ConnInfo& info, std::string_view path);

// The normalised secret key for fingerprints: family, user, hosts and the decoded password.
std::string secret_key(const ConnInfo& info);

// Replaces the bytes of `secret` inside `text` with "****" (also every other place the same raw secret occurs).
std::string redact(std::string_view text, Span secret);
// A URL rebuilt from `info` with the password shown as "****" (for lint messages: corrected URL, redacted).
std::string to_redacted_uri(const ConnInfo& info);

}  // namespace dsnguard::dsn
