#include "scan/findings.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <unordered_map>

#include <re2/re2.h>

#include "core/fingerprint.hpp"
#include "dsn/judge.hpp"
#include "scan/window.hpp"

namespace dsnguard::scan {

namespace {


// judge() and the fingerprint of one parsed credential found by one rule at one path, remembered per thread: a
// history scan meets the same connection string in thousands of versions of a file (sqlalchemy: 26k findings from a
// few hundred distinct credentials), and judging it (password classes, host lists) was a third of building each
// finding.
struct Judged {
  dsn::Verdict verdict;
  std::string fingerprint;  // set when verdict.report
};

// Appends `s` with its length in front (keys of different fields can never run into each other).
void put_text(std::string& key, std::string_view s)
{
  const auto n = static_cast<std::uint32_t>(s.size());
  key.append(reinterpret_cast<const char*>(&n), sizeof n).append(s);
}

void put_optional(std::string& key, const std::optional<std::string>& s)
{
  key.push_back(s ? '1' : '0');
  put_text(key, s ? std::string_view(*s) : std::string_view());
}

void put_number(std::string& key, std::size_t n)
{
  key.append(reinterpret_cast<const char*>(&n), sizeof n);
}

// Every field of ConnInfo: the memo's key must change whenever anything judge() or secret_key() may read does.
static_assert(sizeof(dsn::ConnInfo) == 408, "a ConnInfo field was added or changed: add it to the judge memo's key");

const Judged& judged(const core::Rule& rule, const dsn::ConnInfo& info, std::string_view path)
{
  thread_local std::unordered_map<std::string, Judged> memo;
  thread_local std::string key;
  key.clear();
  put_text(key, rule.id);
  put_text(key, path);
  put_number(key, static_cast<std::size_t>(info.form));
  put_text(key, info.scheme);
  put_text(key, info.family);
  put_text(key, info.driver);
  put_optional(key, info.user);
  put_optional(key, info.password);
  put_text(key, info.raw_password);
  put_number(key, info.user_span.offset);
  put_number(key, info.user_span.length);
  put_number(key, info.password_span.offset);
  put_number(key, info.password_span.length);
  put_number(key, info.hosts.size());
  for (const auto& h : info.hosts) {
    put_text(key, h.host);
    put_text(key, h.port);
    put_number(key, static_cast<std::size_t>(h.bracketed));
  }
  put_optional(key, info.database);
  put_number(key, info.params.size());
  for (const auto& [k, v] : info.params) {
    put_text(key, k);
    put_text(key, v);
  }
  put_text(key, info.fragment);
  put_number(key, info.end);
  put_number(key, info.problems.size());
  for (const auto& p : info.problems) {
    put_text(key, p);
  }
  put_number(key, static_cast<std::size_t>(info.raw_at_in_userinfo));
  if (memo.size() >= 4096) {
    memo.clear();  // bounded: a scan of unrelated files would otherwise keep every credential it ever judged
  }
  const auto [it, fresh] = memo.try_emplace(key);
  if (fresh) {
    it->second.verdict = dsn::judge(info, path);
    if (it->second.verdict.report) {
      it->second.fingerprint = core::fingerprint(rule.id, path, dsn::secret_key(info));
    }
  }
  return it->second;
}

bool overlaps(std::size_t a0, std::size_t a1, std::size_t b0, std::size_t b1)
{
  return a0 < b1 && b0 < a1;
}

// True when `a` should be kept over `b` for the same credential.
bool better(const RawFinding& a, const RawFinding& b)
{
  if (a.generic != b.generic) {
    return !a.generic;
  }
  if (a.end - a.start != b.end - b.start) {
    return a.end - a.start > b.end - b.start;
  }
  return a.rule_index < b.rule_index;
}

std::string first_host(const dsn::ConnInfo& info)
{
  for (const auto& h : info.hosts) {
    if (!h.host.empty()) {
      return h.host;
    }
  }
  return {};
}

std::string message_for(const dsn::ConnInfo& info, const std::string& label)
{
  const std::string family(dsn::family_display_name(info.family));
  const std::string host = first_host(info);
  const std::string where = host.empty() ? std::string() : " for host " + host;
  switch (info.form) {
  case dsn::Form::uri: return family + " URL with an embedded password" + where;
  case dsn::Form::jdbc: return "JDBC " + family + " URL with an embedded password" + where;
  case dsn::Form::keyvalue: return "libpq connection string with a password" + where;
  case dsn::Form::ado: return family + " connection string with a password" + where;
  case dsn::Form::pgpass: return ".pgpass entry with a password" + where;
  case dsn::Form::mysql_dsn: return "MySQL driver DSN with an embedded password" + where;
  case dsn::Form::assignment:
    return (label.empty() ? std::string("A database password setting") : label) + " is set to a literal password"
           + where;
  case dsn::Form::kwarg:
    return (label.empty() ? std::string("A database driver call") : label) + " is given a literal password" + where;
  }
  return family + " credential" + where;
}

std::string default_fix(const dsn::ConnInfo& info)
{
  switch (info.form) {
  case dsn::Form::pgpass: return "Remove the .pgpass file from the repository, rotate the password, and keep .pgpass in the home directory only";
  case dsn::Form::assignment:
  case dsn::Form::kwarg:
    return "Remove it, rotate the password, and read it from the environment or a secret manager at runtime";
  default:
    return "Remove it, rotate the password, and load DATABASE_URL from the environment (os.getenv) with .env git-ignored";
  }
}

void add_attributes(core::Finding& f, const dsn::ConnInfo& info)
{
  const auto add = [&](const char* key, const std::string& value) {
    if (!value.empty()) {
      f.attributes.emplace_back(key, value);
    }
  };
  add("scheme", info.scheme);
  add("family", info.family);
  add("driver", info.driver);
  const std::string host = first_host(info);
  add("host", host);
  std::string hosts;
  std::string port;
  for (const auto& h : info.hosts) {
    if (h.host.empty()) {
      continue;
    }
    if (!hosts.empty()) {
      hosts += ',';
    }
    hosts += h.host;
    if (port.empty()) {
      port = h.port;
    }
  }
  if (hosts != host) {
    add("hosts", hosts);
  } else {
    add("hosts", host);
  }
  add("port", port);
  add("database", info.database.value_or(""));
  add("user", info.user.value_or(""));
  if (!host.empty()) {
    add("provider", dsn::provider_of(host).value_or(""));
  }
  add("sslmode", info.param("sslmode").value_or(""));
  add("form", std::string(dsn::to_string(info.form)));
  if (info.form != dsn::Form::assignment && info.form != dsn::Form::kwarg) {
    add("url", dsn::to_redacted_uri(info));
  }
}

// Values assigned to user and database names within a few lines of `offset` (POSTGRES_USER=app, user: app,
// MYSQL_DATABASE=wordpress). A bare password equal to one of them is the user==password container default.
std::vector<std::string> neighbour_names(std::string_view bytes, std::size_t offset)
{
  static const RE2 k_name(
      R"re((?i)(?:^|[^a-z0-9])(?:[a-z0-9_]*_)?(?:user|username|user_name|login|uid|db|database|dbname|db_name|name)["']?\s*[:=]>?\s*["']?([A-Za-z0-9_.@-]+))re",
      RE2::Quiet);
  constexpr std::size_t k_lines = 8;
  std::size_t from = offset;
  for (std::size_t n = 0; from > 0 && n <= k_lines; --from) {
    if (bytes[from - 1] == '\n') {
      ++n;
    }
  }
  std::size_t to = offset;
  for (std::size_t n = 0; to < bytes.size() && n <= k_lines; ++to) {
    if (bytes[to] == '\n') {
      ++n;
    }
  }
  std::vector<std::string> out;
  re2::StringPiece input(bytes.data() + from, to - from);
  std::string value;
  while (RE2::FindAndConsume(&input, k_name, &value)) {
    out.push_back(value);
  }
  return out;
}

}  // namespace

std::size_t LineIndex::line_of(std::size_t offset)
{
  offset = std::min(offset, m_bytes.size());
  if (offset >= m_offset) {
    m_line += count_newlines(m_bytes.substr(m_offset, offset - m_offset));
  } else {
    m_line -= count_newlines(m_bytes.substr(offset, m_offset - offset));
  }
  m_offset = offset;
  return m_line;
}

std::size_t LineIndex::line_start(std::size_t offset) const
{
  offset = std::min(offset, m_bytes.size());
  const std::size_t nl = offset == 0 ? std::string_view::npos : m_bytes.rfind('\n', offset - 1);
  return nl == std::string_view::npos ? 0 : nl + 1;
}

std::string_view LineIndex::line_text(std::size_t offset) const
{
  const std::size_t start = line_start(offset);
  const std::size_t end = m_bytes.find('\n', start);
  return m_bytes.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

bool on_added_line(const std::vector<core::LineRange>& ranges, std::uint32_t line)
{
  return std::any_of(ranges.begin(), ranges.end(), [&](const auto& r) { return line >= r.first && line <= r.last; });
}

bool allow_marked(const LineIndex& lines, std::size_t offset)
{
  constexpr std::string_view k_marker = "dsnguard:allow";
  const std::size_t start = lines.line_start(offset);
  return lines.line_text(offset).find(k_marker) != std::string_view::npos
         || (start > 0 && lines.line_text(start - 1).find(k_marker) != std::string_view::npos);
}

std::vector<core::Finding> build_findings(std::vector<RawFinding> raw, const std::vector<core::Rule>& rules,
                                          const core::Fragment& fragment)
{
  std::vector<core::Finding> out;
  if (raw.empty()) {
    return out;
  }
  // De-duplicate: one finding per credential.
  std::vector<bool> dropped(raw.size(), false);
  for (std::size_t i = 0; i < raw.size(); ++i) {
    for (std::size_t j = i + 1; j < raw.size(); ++j) {
      if (dropped[i] || dropped[j]) {
        continue;
      }
      const auto& a = raw[i];
      const auto& b = raw[j];
      const bool same = (a.secret_end > a.secret_start && b.secret_end > b.secret_start)
                            ? overlaps(a.secret_start, a.secret_end, b.secret_start, b.secret_end)
                            : overlaps(a.start, a.end, b.start, b.end);
      if (same) {
        dropped[better(a, b) ? j : i] = true;
      }
    }
  }
  LineIndex lines(fragment.bytes);
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (dropped[i]) {
      continue;
    }
    auto& r = raw[i];
    const core::Rule& rule = rules[r.rule_index];
    dsn::ConnInfo& info = r.candidate.info;
    // A shell default `${NAME:-literal}` commits the literal: judge and report that part.
    std::size_t secret_start = r.secret_start;
    std::size_t secret_end = r.secret_end;
    if (info.password) {
      if (const auto lit = dsn::shell_default_literal(*info.password)) {
        const std::string literal = info.password->substr(lit->offset, lit->length);
        if (secret_end - secret_start == info.password->size()) {
          secret_start += lit->offset;
          secret_end = secret_start + lit->length;
        }
        info.password = literal;
      }
    }
    if (!info.user && info.password
        && (info.form == dsn::Form::assignment || info.form == dsn::Form::kwarg)) {
      for (const auto& name : neighbour_names(fragment.bytes, r.start)) {
        if (name.size() == info.password->size()
            && std::equal(name.begin(), name.end(), info.password->begin(), [](char a, char b) {
                 return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
               })) {
          info.user = name;
          break;
        }
      }
    }
    const Judged& judgement = judged(rule, info, fragment.origin.path);
    const dsn::Verdict& verdict = judgement.verdict;
    if (!verdict.report) {
      continue;
    }
    core::Finding f;
    f.rule_id = rule.id;
    f.kind = core::FindingKind::secret;
    f.severity = rule.severity;
    f.confidence = std::min(rule.confidence, verdict.confidence);
    const std::size_t line0 = lines.line_of(r.start);
    const std::size_t end_line0 = lines.line_of(r.end > r.start ? r.end - 1 : r.start);
    f.location.path = fragment.origin.path;
    f.location.commit = fragment.origin.commit;
    f.location.line = static_cast<std::uint32_t>(line0 + 1);
    f.location.column = static_cast<std::uint32_t>(r.start - lines.line_start(r.start) + 1);
    f.location.end_line = static_cast<std::uint32_t>(end_line0 + 1);
    f.location.end_column =
        static_cast<std::uint32_t>(r.end - lines.line_start(r.end > r.start ? r.end - 1 : r.start));
    f.location.offset = r.start;
    f.location.length = r.end - r.start;
    if (fragment.added_lines != nullptr && !on_added_line(*fragment.added_lines, f.location.line)) {
      continue;
    }
    f.match = std::string(fragment.bytes.substr(r.start, r.end - r.start));
    if (secret_end > secret_start && secret_start >= r.start && secret_end <= r.end) {
      f.secret_offset = secret_start - r.start;
      f.secret_length = secret_end - secret_start;
    }
    f.secret = info.password.value_or("");
    f.fingerprint = judgement.fingerprint;
    const bool cli = std::find(rule.tags.begin(), rule.tags.end(), "cli") != rule.tags.end();
    if (cli) {
      const auto& label = r.candidate.label;
      const std::string command = label.substr(0, label.find_first_of(" \t"));
      f.message = command + " command line with a literal password";
      if (const std::string host = first_host(info); !host.empty()) {
        f.message += " for host " + host;
      }
    } else {
      f.message = message_for(info, r.candidate.label);
    }
    f.fix = rule.fix.empty() ? default_fix(info) : rule.fix;
    add_attributes(f, info);
    if (allow_marked(lines, r.start)) {
      f.suppressed = true;
      f.suppressed_by = "inline";
    }
    out.push_back(std::move(f));
  }
  return out;
}

core::Finding env_file_finding(const core::Rule& rule, const core::Origin& origin)
{
  core::Finding f;
  f.rule_id = rule.id;
  f.kind = core::FindingKind::env_file;
  f.severity = rule.severity;
  f.confidence = rule.confidence;
  f.location.path = origin.path;
  f.location.commit = origin.commit;
  f.location.line = 1;
  f.location.column = 1;
  f.location.end_line = 1;
  f.location.end_column = 1;
  const auto slash = origin.path.rfind('/');
  const std::string name = slash == std::string::npos ? origin.path : origin.path.substr(slash + 1);
  f.message = "Environment file " + name + " is committed; such files usually hold credentials";
  f.fix = rule.fix.empty() ? "git rm --cached " + origin.path + ", add it to .gitignore, and commit a " + name
                                 + ".example with placeholder values instead"
                           : rule.fix;
  f.fingerprint = core::fingerprint(rule.id, origin.path, "env-file");
  f.attributes.emplace_back("form", "env-file");
  return f;
}

}  // namespace dsnguard::scan
