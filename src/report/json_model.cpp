#include "report/json_model.hpp"

#include "report/json_stream.hpp"

namespace dsnguard::report {

using nlohmann::json;
using json_stream::put;
using json_stream::put_array;
using json_stream::put_object;

namespace {

json occurrence_json(const core::Occurrence& o)
{
  return {{"path", o.path},       {"blob", o.blob}, {"commit", o.commit},           {"author", o.author},
          {"time", o.time},       {"line", o.line}, {"refs", o.refs.names()},       {"at_head", o.at_head}};
}

// A finding without its occurrences.
json finding_head(const core::Finding& f)
{
  json j;
  j["rule"] = f.rule_id;
  j["kind"] = std::string(core::to_string(f.kind));
  j["severity"] = std::string(core::to_string(f.severity));
  j["confidence"] = std::string(core::to_string(f.confidence));
  j["path"] = f.location.path;
  j["line"] = f.location.line;
  j["column"] = f.location.column;
  j["end_line"] = f.location.end_line;
  j["end_column"] = f.location.end_column;
  if (!f.location.commit.empty()) {
    j["commit"] = f.location.commit;
  }
  j["match"] = f.match;
  if (!f.secret.empty()) {
    j["secret"] = f.secret;  // only present with --no-redact
  }
  j["fingerprint"] = f.fingerprint;
  j["message"] = f.message;
  j["fix"] = f.fix;
  json attrs = json::object();
  for (const auto& [k, v] : f.attributes) {
    attrs[k] = v;
  }
  j["attributes"] = attrs;
  if (f.verification != core::VerifyState::unknown) {
    j["verification"] = {{"state", std::string(core::to_string(f.verification))}, {"detail", f.verification_detail}};
  }
  if (f.suppressed) {
    j["suppressed"] = true;
    j["suppressed_by"] = f.suppressed_by;
  }
  return j;
}

void put_finding(std::ostream& out, const core::Finding& f, int depth)
{
  json head = finding_head(f);
  if (!f.occurrences.empty()) {
    head["occurrences"] = nullptr;  // placeholder: streamed below, in its sorted place
  }
  put_object(out, head, depth, [&](const std::string& key, int inner) {
    if (key != "occurrences") {
      return false;
    }
    put_array(out, f.occurrences.size(), inner,
              [&](std::size_t i, int d) { put(out, occurrence_json(f.occurrences[i]), d); });
    return true;
  });
}

}  // namespace

json to_json(const core::Finding& f)
{
  json j = finding_head(f);
  if (!f.occurrences.empty()) {
    json occ = json::array();
    for (const auto& o : f.occurrences) {
      occ.push_back(occurrence_json(o));
    }
    j["occurrences"] = occ;
  }
  return j;
}

json to_json(const core::Summary& s)
{
  return {{"files_scanned", s.files_scanned}, {"bytes_scanned", s.bytes_scanned}, {"files_skipped", s.files_skipped},
          {"binary_skipped", s.binary_skipped}, {"findings", s.findings},         {"suppressed", s.suppressed},
          {"commits", s.commits},             {"blobs", s.blobs},                 {"incomplete", s.incomplete},
          {"partial_history", s.partial_history}, {"notes", s.notes},            {"seconds", s.seconds}};
}

namespace {

// The report's members other than its findings.
json report_head(const core::Report& r)
{
  json j;
  j["version"] = k_json_version;
  j["tool"] = {{"name", "dsnguard"}, {"version", "0.1.0"}};
  j["command"] = r.command;
  j["mode"] = r.mode;
  j["redacted"] = r.redacted;
  json skipped = json::array();
  for (const auto& s : r.skipped) {
    skipped.push_back({{"path", s.path}, {"reason", std::string(core::to_string(s.reason))}, {"detail", s.detail}});
  }
  j["skipped"] = skipped;
  j["summary"] = to_json(r.summary);
  if (!r.stale_baseline.empty()) {
    j["stale_baseline"] = r.stale_baseline;
  }
  return j;
}

}  // namespace

json to_json(const core::Report& r)
{
  json j = report_head(r);
  json findings = json::array();
  json suppressed = json::array();
  for (const auto& f : r.findings) {
    (f.suppressed ? suppressed : findings).push_back(to_json(f));
  }
  j["findings"] = findings;
  if (!suppressed.empty()) {
    j["suppressed"] = suppressed;
  }
  return j;
}

void write_json(std::ostream& out, const core::Report& r)
{
  std::vector<const core::Finding*> findings;
  std::vector<const core::Finding*> suppressed;
  for (const auto& f : r.findings) {
    (f.suppressed ? suppressed : findings).push_back(&f);
  }
  json head = report_head(r);
  head["findings"] = nullptr;  // placeholders: streamed below, in their sorted places
  if (!suppressed.empty()) {
    head["suppressed"] = nullptr;
  }
  put_object(out, head, 0, [&](const std::string& key, int depth) {
    const auto* list = key == "findings" ? &findings : key == "suppressed" ? &suppressed : nullptr;
    if (list == nullptr) {
      return false;
    }
    put_array(out, list->size(), depth, [&](std::size_t i, int d) { put_finding(out, *(*list)[i], d); });
    return true;
  });
}

}  // namespace dsnguard::report
