#include "baseline/baseline.hpp"

#include <algorithm>
#include <map>

#include "util/file.hpp"
#include "util/strings.hpp"

namespace dsnguard::baseline {

namespace {

using core::ErrorCode;
using core::fail;

bool is_hex(std::string_view s)
{
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

// "v<digits>:<hex>" (the version prefix is kept open so a future v2 file fails loudly, not silently).
bool valid_fingerprint(std::string_view s)
{
  const auto colon = s.find(':');
  if (colon == std::string_view::npos || colon < 2 || s[0] != 'v') {
    return false;
  }
  return is_hex(s.substr(colon + 1)) && s.size() - colon - 1 >= 16;
}

// Splits on runs of spaces/tabs into at most 3 fields (the path keeps inner spaces).
std::vector<std::string> fields(std::string_view line)
{
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < line.size() && out.size() < 2) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) {
      ++i;
    }
    const auto start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') {
      ++i;
    }
    if (i > start) {
      out.emplace_back(line.substr(start, i - start));
    }
  }
  const auto rest = util::trim(line.substr(std::min(i, line.size())));
  if (!rest.empty()) {
    out.emplace_back(rest);
  }
  return out;
}

}  // namespace

bool Baseline::contains(std::string_view fingerprint) const
{
  const auto it = std::lower_bound(entries.begin(), entries.end(), fingerprint,
                                   [](const Entry& e, std::string_view fp) { return e.fingerprint < fp; });
  return it != entries.end() && it->fingerprint == fingerprint;
}

core::Expected<Baseline> parse(std::string_view text, std::string_view source_name)
{
  Baseline b;
  b.file = std::string(source_name);
  std::size_t line_no = 0;
  for (auto raw : util::split(text, '\n')) {
    ++line_no;
    if (!raw.empty() && raw.back() == '\r') {
      raw.remove_suffix(1);
    }
    const auto line = util::trim(raw);
    if (line.empty() || line.front() == '#') {
      continue;
    }
    auto f = fields(line);
    if (f.empty() || !valid_fingerprint(f[0])) {
      return fail(ErrorCode::config, "baseline '" + b.file + "' line " + std::to_string(line_no)
                                         + ": not a dsnguard baseline entry (expected 'v1:<hex fingerprint> rule path')");
    }
    if (f[0].rfind("v1:", 0) != 0) {
      return fail(ErrorCode::config, "baseline '" + b.file + "' line " + std::to_string(line_no)
                                         + ": fingerprint version '" + f[0].substr(0, f[0].find(':'))
                                         + "' is not supported by this dsnguard (expected v1)");
    }
    Entry e;
    e.fingerprint = f[0];
    e.rule_id = f.size() > 1 ? f[1] : "";
    e.path = f.size() > 2 ? f[2] : "";
    b.entries.push_back(std::move(e));
  }
  std::sort(b.entries.begin(), b.entries.end(), [](const Entry& x, const Entry& y) { return x.fingerprint < y.fingerprint; });
  b.entries.erase(std::unique(b.entries.begin(), b.entries.end(),
                              [](const Entry& x, const Entry& y) { return x.fingerprint == y.fingerprint; }),
                  b.entries.end());
  return b;
}

core::Expected<Baseline> load(const std::string& path)
{
  const auto r = util::read_file(path);
  if (!r.ok) {
    return fail(ErrorCode::config, "cannot read baseline '" + path + "': " + r.error);
  }
  if (util::looks_binary(r.data)) {
    return fail(ErrorCode::config, "baseline '" + path + "' is not a text file");
  }
  return parse(r.data, path);
}

std::string serialize(std::vector<Entry> entries)
{
  std::sort(entries.begin(), entries.end(), [](const Entry& x, const Entry& y) { return x.fingerprint < y.fingerprint; });
  entries.erase(std::unique(entries.begin(), entries.end(),
                            [](const Entry& x, const Entry& y) { return x.fingerprint == y.fingerprint; }),
                entries.end());
  std::string out(k_header);
  out += ": known findings that do not fail `dsnguard scan`.\n";
  out += "# One fingerprint per line (a hash of rule, path and the secret; never the secret itself), then the\n";
  out += "# rule and path for reviewers. Regenerate: dsnguard scan --write-baseline FILE\n";
  for (const auto& e : entries) {
    out += e.fingerprint;
    out += "  ";
    out += e.rule_id.empty() ? "-" : e.rule_id;
    if (!e.path.empty()) {
      out += "  ";
      out += e.path;
    }
    out += "\n";
  }
  return out;
}

std::vector<Entry> entries_for(const std::vector<core::Finding>& findings)
{
  std::vector<Entry> out;
  for (const auto& f : findings) {
    if (f.fingerprint.empty() || (f.suppressed && f.suppressed_by != "baseline")) {
      continue;
    }
    // printable() keeps the file one entry per line whatever bytes the path holds.
    out.push_back({f.fingerprint, f.rule_id, util::printable(f.location.path)});
  }
  return out;
}

std::vector<Entry> apply(const Baseline& baseline, std::vector<core::Finding>& findings)
{
  std::map<std::string_view, bool> used;
  for (const auto& e : baseline.entries) {
    used[e.fingerprint] = false;
  }
  for (auto& f : findings) {
    const auto it = used.find(f.fingerprint);
    if (it == used.end()) {
      continue;
    }
    it->second = true;
    if (!f.suppressed) {
      f.suppressed = true;
      f.suppressed_by = "baseline";
    }
  }
  std::vector<Entry> stale;
  for (const auto& e : baseline.entries) {
    if (!used[e.fingerprint]) {
      stale.push_back(e);
    }
  }
  return stale;
}

}  // namespace dsnguard::baseline
