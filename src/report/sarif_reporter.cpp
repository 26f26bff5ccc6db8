#include "report/sarif_reporter.hpp"

#include <cstdio>
#include <map>

#include "report/json_stream.hpp"
#include "report/sarif_model.hpp"

namespace dsnguard::report {

using nlohmann::json;

namespace {

// "postgres-uri" -> "PostgresUri" (SARIF reportingDescriptor.name is a readable identifier).
std::string rule_name(std::string_view id)
{
  std::string out;
  bool upper = true;
  for (const char c : id) {
    if (c == '-' || c == '_' || c == '.' || c == ' ') {
      upper = true;
      continue;
    }
    out.push_back(upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    upper = false;
  }
  return out;
}

std::string_view kind_title(core::FindingKind kind)
{
  switch (kind) {
  case core::FindingKind::secret: return "Database credential committed to the repository";
  case core::FindingKind::env_file: return "Environment file tracked by git";
  case core::FindingKind::lint: return "Repository hygiene check";
  }
  return "";
}

json rule_json(const core::Rule& r)
{
  std::string full = r.description;
  if (!r.fix.empty()) {
    full += " Fix: " + r.fix;
  }
  std::string help_text = std::string(kind_title(r.kind)) + ". " + r.description;
  std::string help_md = "**" + std::string(kind_title(r.kind)) + "**\n\n" + r.description + "\n\n";
  if (!r.fix.empty()) {
    help_text += "\nFix: " + r.fix;
    help_md += "**Fix:** " + r.fix + "\n\n";
  }
  if (r.kind != core::FindingKind::lint) {
    const std::string ways = "If the credential is real, rotate it: removing it from the file does not remove it "
                             "from git history (see `dsnguard audit`). If it is not a secret, add a "
                             "`dsnguard:allow` comment on the line, or record it with `dsnguard scan "
                             "--write-baseline .dsnguard-baseline`.";
    help_text += "\n" + ways;
    help_md += ways + "\n";
  }
  json tags = json::array({"security"});
  for (const auto& t : r.tags) {
    if (t != "security") {
      tags.push_back(t);
    }
  }
  if (r.kind != core::FindingKind::lint) {
    tags.push_back("secret");
  }
  json j;
  j["id"] = r.id;
  j["name"] = rule_name(r.id);
  j["shortDescription"] = {{"text", r.description.empty() ? r.id : r.description}};
  j["fullDescription"] = {{"text", full.empty() ? r.id : full}};
  j["help"] = {{"text", help_text}, {"markdown", help_md}};
  j["defaultConfiguration"] = {{"level", std::string(sarif_level(r.severity))}};
  j["properties"] = {{"tags", tags},
                     {"precision", std::string(core::to_string(r.confidence))},
                     {"security-severity", security_severity(r.kind, r.severity)}};
  return j;
}

json location_json(std::string_view path, const core::Location* loc)
{
  json physical = {{"artifactLocation", {{"uri", uri_encode_path(path)}, {"uriBaseId", "SRCROOT"}}}};
  if (loc != nullptr && loc->line > 0) {
    json region = {{"startLine", loc->line}};
    if (loc->column > 0) {
      region["startColumn"] = loc->column;
    }
    const auto end_line = loc->end_line >= loc->line ? loc->end_line : loc->line;
    region["endLine"] = end_line;
    if (loc->column > 0) {
      // Location::end_column is the last byte of the match (inclusive); SARIF's endColumn is exclusive.
      auto end_col = loc->end_column + 1;
      if (end_line == loc->line && end_col <= loc->column) {
        end_col = loc->column + 1;
      }
      region["endColumn"] = end_col;
    }
    physical["region"] = region;
  }
  return {{"physicalLocation", physical}};
}

std::string short_commit(const std::string& c)
{
  return c.substr(0, 12);
}

json occurrence_json(const core::Occurrence& o)
{
  return {{"path", o.path}, {"commit", o.commit},         {"author", o.author},  {"time", o.time},
          {"line", o.line}, {"refs", o.refs.names()},     {"at_head", o.at_head}};
}

// The related location of occurrence `o`, numbered `id`.
json related_json(const core::Occurrence& o, int id)
{
  core::Location l;
  l.line = o.line;
  auto rel = location_json(o.path, &l);
  rel["id"] = id;
  rel["message"] = {{"text", "commit " + short_commit(o.commit) + (o.at_head ? " (still in HEAD)" : "")}};
  return rel;
}

// One result. With `occurrences` false, a history finding's two lists of occurrences (properties.occurrences and
// relatedLocations) are null placeholders for write_sarif to stream.
json result_json(const core::Finding& f, int rule_index, bool occurrences = true)
{
  std::string text = f.message.empty() ? std::string(kind_title(f.kind)) + "." : f.message;
  const bool history = !f.location.commit.empty();
  bool gone = false;
  for (const auto& o : f.occurrences) {
    if (o.path == f.location.path && !o.at_head) {
      gone = true;
    }
  }
  if (history) {
    text += " Introduced in commit " + short_commit(f.location.commit) + " at " + f.location.path;
    text += gone ? " (no longer in HEAD: it is still in git history)." : ".";
  }
  if (f.occurrences.size() > 1) {
    text += " Seen in " + std::to_string(f.occurrences.size()) + " places.";
  }
  if (f.verification != core::VerifyState::unknown) {
    text += " Verification: " + std::string(core::to_string(f.verification)) + ".";
  }
  json r;
  r["ruleId"] = f.rule_id;
  if (rule_index >= 0) {
    r["ruleIndex"] = rule_index;
  }
  r["level"] = std::string(sarif_level(f.severity));
  r["message"] = {{"text", text}};
  r["locations"] = json::array({location_json(f.location.path, &f.location)});
  if (!f.fingerprint.empty()) {
    r["partialFingerprints"] = {{std::string(k_fingerprint_key), f.fingerprint}};
  }
  json props = {{"kind", std::string(core::to_string(f.kind))},
                {"confidence", std::string(core::to_string(f.confidence))}};
  if (history) {
    props["commit"] = f.location.commit;
    props["path"] = f.location.path;
  }
  if (!f.attributes.empty()) {
    json attrs = json::object();
    for (const auto& [k, v] : f.attributes) {
      attrs[k] = v;
    }
    props["attributes"] = attrs;
  }
  if (f.verification != core::VerifyState::unknown) {
    props["verification"] = std::string(core::to_string(f.verification));
  }
  if (!f.occurrences.empty() && !occurrences) {
    props["occurrences"] = nullptr;
    r["relatedLocations"] = nullptr;
  } else if (!f.occurrences.empty()) {
    json occ = json::array();
    json related = json::array();
    int id = 1;
    for (const auto& o : f.occurrences) {
      occ.push_back(occurrence_json(o));
      related.push_back(related_json(o, id++));
    }
    props["occurrences"] = occ;
    r["relatedLocations"] = related;
  }
  r["properties"] = props;
  if (f.suppressed) {
    const bool inline_allow = f.suppressed_by == "inline";
    r["suppressions"] = json::array({{{"kind", inline_allow ? "inSource" : "external"},
                                      {"justification", "suppressed by " + f.suppressed_by}}});
  }
  return r;
}

}  // namespace

std::string uri_encode_path(std::string_view path)
{
  static const char* k_hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size());
  for (const char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
                      || c == '.' || c == '_' || c == '~' || c == '/';
    if (keep) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(k_hex[c >> 4]);
      out.push_back(k_hex[c & 0xF]);
    }
  }
  return out;
}

std::string file_uri_for_directory(std::string_view root)
{
  if (root.empty() || root.front() != '/') {
    return {};
  }
  std::string out = "file://" + uri_encode_path(root);
  if (out.back() != '/') {
    out.push_back('/');
  }
  return out;
}

std::string_view sarif_level(core::Severity severity)
{
  switch (severity) {
  case core::Severity::error: return "error";
  case core::Severity::warning: return "warning";
  case core::Severity::info: return "note";
  }
  return "none";
}

std::string security_severity(core::FindingKind kind, core::Severity severity)
{
  switch (severity) {
  case core::Severity::error: return kind == core::FindingKind::lint ? "7.5" : "9.0";
  case core::Severity::warning: return "5.0";
  case core::Severity::info: return "2.0";
  }
  return "2.0";
}

namespace {

// Each rule id's index in the rules array.
std::map<std::string, int> rule_indices(const core::Report& report)
{
  std::map<std::string, int> index;
  for (const auto& r : report.rules) {
    index.try_emplace(r.id, static_cast<int>(index.size()));
  }
  return index;
}

int rule_index_of(const std::map<std::string, int>& index, const std::string& id)
{
  const auto it = index.find(id);
  return it == index.end() ? -1 : it->second;
}

// The SARIF log; with `results` false, runs[0].results is a null placeholder for write_sarif to stream.
json sarif_document(const core::Report& report, bool with_results)
{
  const auto index = rule_indices(report);
  json rules = json::array();
  for (const auto& r : report.rules) {
    if (index.at(r.id) == static_cast<int>(rules.size())) {
      rules.push_back(rule_json(r));
    }
  }
  json results = json::array();
  if (with_results) {
    for (const auto& f : report.findings) {
      results.push_back(result_json(f, rule_index_of(index, f.rule_id)));
    }
  } else {
    results = nullptr;
  }
  json driver = {{"name", "dsnguard"},
                 {"version", "0.1.0"},
                 {"semanticVersion", "0.1.0"},
                 {"informationUri", "https://github.com/dsnguard/dsnguard"},
                 {"rules", rules}};
  json notifications = json::array();
  for (const auto& n : report.summary.notes) {
    notifications.push_back({{"level", "note"}, {"message", {{"text", n}}}});
  }
  for (const auto& s : report.skipped) {
    if (core::is_incomplete(s.reason)) {
      std::string text = "not scanned (" + std::string(core::to_string(s.reason)) + "): " + s.path;
      if (!s.detail.empty()) {
        text += ": " + s.detail;
      }
      notifications.push_back({{"level", "error"}, {"message", {{"text", text}}}});
    }
  }
  json invocation = {{"executionSuccessful", !report.summary.incomplete}};
  if (!notifications.empty()) {
    invocation["toolExecutionNotifications"] = notifications;
  }
  json run;
  run["tool"] = {{"driver", driver}};
  run["automationDetails"] = {{"id", "dsnguard/" + report.command + "/" + report.mode + "/"}};
  const auto root_uri = file_uri_for_directory(report.root);
  if (!root_uri.empty()) {
    run["originalUriBaseIds"] = {{"SRCROOT", {{"uri", root_uri}}}};
  }
  run["invocations"] = json::array({invocation});
  run["results"] = results;
  run["properties"] = {{"command", report.command},
                       {"mode", report.mode},
                       {"redacted", report.redacted},
                       {"findings", report.summary.findings},
                       {"suppressed", report.summary.suppressed},
                       {"incomplete", report.summary.incomplete},
                       {"partialHistory", report.summary.partial_history},
                       {"staleBaseline", report.stale_baseline}};
  return {{"$schema", std::string(k_sarif_schema)}, {"version", "2.1.0"}, {"runs", json::array({run})}};
}

// One result, its lists of occurrences streamed.
void put_result(std::ostream& out, const core::Finding& f, int rule_index, int depth)
{
  using json_stream::put_array;
  using json_stream::put_object;
  const json head = result_json(f, rule_index, false);
  put_object(out, head, depth, [&](const std::string& key, int d) {
    if (key == "relatedLocations") {
      put_array(out, f.occurrences.size(), d, [&](std::size_t i, int inner) {
        json_stream::put(out, related_json(f.occurrences[i], static_cast<int>(i) + 1), inner);
      });
      return true;
    }
    if (key == "properties") {
      put_object(out, head["properties"], d, [&](const std::string& prop, int pd) {
        if (prop != "occurrences") {
          return false;
        }
        put_array(out, f.occurrences.size(), pd,
                  [&](std::size_t i, int inner) { json_stream::put(out, occurrence_json(f.occurrences[i]), inner); });
        return true;
      });
      return true;
    }
    return false;
  });
}

}  // namespace

json to_sarif(const core::Report& report)
{
  return sarif_document(report, true);
}

void write_sarif(std::ostream& out, const core::Report& report)
{
  using json_stream::put_array;
  using json_stream::put_object;
  const json doc = sarif_document(report, false);
  const auto index = rule_indices(report);
  put_object(out, doc, 0, [&](const std::string& key, int depth) {
    if (key != "runs") {
      return false;
    }
    put_array(out, 1, depth, [&](std::size_t, int run_depth) {
      put_object(out, doc["runs"][0], run_depth, [&](const std::string& run_key, int d) {
        if (run_key != "results") {
          return false;
        }
        put_array(out, report.findings.size(), d, [&](std::size_t i, int inner) {
          put_result(out, report.findings[i], rule_index_of(index, report.findings[i].rule_id), inner);
        });
        return true;
      });
    });
    return true;
  });
}

core::Expected<void> SarifReporter::write(std::ostream& out, const core::Report& report)
{
  write_sarif(out, report);
  out << "\n";
  return {};
}

}  // namespace dsnguard::report
