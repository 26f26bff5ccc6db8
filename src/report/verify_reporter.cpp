#include "report/verify_reporter.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "report/json_model.hpp"

namespace dsnguard::report {

namespace {

using nlohmann::json;

struct Stats {
  double min = 0.0;
  double median = 0.0;
  double max = 0.0;
};

Stats stats_of(std::vector<double> v)
{
  Stats s;
  if (v.empty()) {
    return s;
  }
  std::sort(v.begin(), v.end());
  s.min = v.front();
  s.max = v.back();
  const std::size_t n = v.size();
  s.median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
  return s;
}

std::string ms(double value)
{
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f ms", value);
  return buf;
}

double round_ms(double v)
{
  return static_cast<double>(static_cast<long long>(v * 100.0 + 0.5)) / 100.0;
}

std::vector<double> pick(const core::VerifyReport& r, double core::VerifyRound::*field)
{
  std::vector<double> v;
  for (const auto& round : r.rounds) {
    if (round.ok) {
      v.push_back(round.*field);
    }
  }
  return v;
}

std::string target_line(const core::VerifyReport& r)
{
  std::string s = r.host.empty() ? "(default Unix socket)" : r.host;
  if (!r.port.empty()) {
    s += ":" + r.port;
  }
  if (!r.hostaddr.empty() && r.hostaddr != r.host) {
    s += " (" + r.hostaddr + ")";
  }
  return s;
}

void write_text(std::ostream& out, const core::VerifyReport& r)
{
  const bool ok = r.triage == core::TriageClass::ok;
  if (ok) {
    out << "verify: OK: connected and SELECT 1 returned 1\n";
  } else {
    out << "verify: FAILED: " << core::to_string(r.triage) << " (exit " << r.exit_code << ")\n";
  }
  out << "  url:       " << r.url << "\n";
  if (!r.url_source.empty()) {
    out << "  from:      " << r.url_source << "\n";
  }
  if (!r.host.empty() || !r.port.empty() || !r.hostaddr.empty()) {
    out << "  host:      " << target_line(r) << (r.pooler ? " [pooler]" : "")
        << (r.provider.empty() ? "" : " [" + r.provider + "]") << "\n";
  }
  if (!r.user.empty()) {
    out << "  user:      " << r.user << "\n";
  }
  if (!r.database.empty()) {
    out << "  database:  " << r.database << "\n";
  }
  out << "  sslmode:   " << (r.sslmode.empty() ? "prefer (libpq default)" : r.sslmode) << "\n";
  if (ok) {
    out << "  server:    PostgreSQL " << r.server_version << "\n";
    out << "  tls:       ";
    if (r.tls_in_use) {
      out << "yes (" << r.tls_protocol << ", " << r.tls_cipher << ")\n";
    } else {
      out << "NO: the connection is not encrypted\n";
    }
    out << "  pooler:    " << (r.pooler ? "yes" : "no") << "\n";
    const auto connect = stats_of(pick(r, &core::VerifyRound::connect_ms));
    const auto query = stats_of(pick(r, &core::VerifyRound::query_ms));
    if (r.rounds.size() > 1) {
      out << "  rounds:    " << r.rounds.size() << "\n";
      out << "  connect:   min " << ms(connect.min) << ", median " << ms(connect.median) << ", max " << ms(connect.max)
          << "\n";
      out << "  query:     min " << ms(query.min) << ", median " << ms(query.median) << ", max " << ms(query.max) << "\n";
    } else {
      out << "  connect:   " << ms(connect.median) << "\n";
      out << "  query:     " << ms(query.median) << "\n";
    }
  } else {
    if (!r.stage.empty()) {
      out << "  stage:     " << r.stage << "\n";
    }
    if (!r.sqlstate.empty()) {
      out << "  sqlstate:  " << r.sqlstate << "\n";
    }
    if (!r.message.empty()) {
      std::string indented;
      for (const char c : r.message) {
        indented += c;
        if (c == '\n') {
          indented += "             ";
        }
      }
      out << "  message:   " << indented << "\n";
    }
    out << "  check:     " << r.check << "\n";
    if (r.rounds.size() > 1) {
      out << "  rounds:    " << r.rounds.size() << " (the last one failed)\n";
    }
  }
  for (const auto& n : r.notes) {
    out << "  note:      " << n << "\n";
  }
}

json stats_json(const Stats& s)
{
  return {{"min", round_ms(s.min)}, {"median", round_ms(s.median)}, {"max", round_ms(s.max)}};
}

json to_json(const core::VerifyReport& r)
{
  const bool ok = r.triage == core::TriageClass::ok;
  json j;
  j["version"] = k_json_version;
  j["tool"] = {{"name", "dsnguard"}, {"version", "0.1.0"}};
  j["command"] = "verify";
  j["ok"] = ok;
  j["class"] = std::string(core::to_string(r.triage));
  j["exit_code"] = r.exit_code;
  j["url"] = r.url;
  j["url_source"] = r.url_source;
  j["target"] = {{"host", r.host},         {"port", r.port},         {"hostaddr", r.hostaddr},
                 {"user", r.user},         {"database", r.database}, {"sslmode", r.sslmode},
                 {"pooler", r.pooler},     {"provider", r.provider}};
  if (ok) {
    j["server_version"] = r.server_version;
    j["tls"] = {{"in_use", r.tls_in_use}, {"protocol", r.tls_protocol}, {"cipher", r.tls_cipher}};
    const auto last = r.rounds.empty() ? core::VerifyRound{} : r.rounds.back();
    j["latency_ms"] = {{"dns", round_ms(last.dns_ms)}, {"connect", round_ms(last.connect_ms)}, {"query", round_ms(last.query_ms)}};
  } else {
    j["error"] = {{"stage", r.stage}, {"sqlstate", r.sqlstate}, {"message", r.message}, {"check", r.check}};
  }
  json rounds = json::array();
  for (const auto& round : r.rounds) {
    rounds.push_back({{"ok", round.ok},
                      {"dns_ms", round_ms(round.dns_ms)},
                      {"connect_ms", round_ms(round.connect_ms)},
                      {"query_ms", round_ms(round.query_ms)}});
  }
  j["rounds"] = rounds;
  j["repeat"] = {{"n", r.rounds.size()},
                 {"connect_ms", stats_json(stats_of(pick(r, &core::VerifyRound::connect_ms)))},
                 {"query_ms", stats_json(stats_of(pick(r, &core::VerifyRound::query_ms)))}};
  j["notes"] = r.notes;
  return j;
}

}  // namespace

core::Expected<void> write_verify_report(std::ostream& out, const core::VerifyReport& report, core::Format format)
{
  switch (format) {
  case core::Format::text: write_text(out, report); return {};
  case core::Format::json: out << to_json(report).dump(2) << "\n"; return {};
  default: break;
  }
  return core::fail(core::ErrorCode::usage,
                    "verify supports --format text or json, not " + std::string(core::to_string(format)));
}

}  // namespace dsnguard::report
