#include "report/json_model.hpp"

namespace dsnguard::report {

using nlohmann::json;

json to_json(const core::Finding& f)
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
  if (!f.occurrences.empty()) {
    json occ = json::array();
    for (const auto& o : f.occurrences) {
      occ.push_back({{"path", o.path},
                     {"blob", o.blob},
                     {"commit", o.commit},
                     {"author", o.author},
                     {"time", o.time},
                     {"line", o.line},
                     {"refs", o.refs.names()},
                     {"at_head", o.at_head}});
    }
    j["occurrences"] = occ;
  }
  if (f.suppressed) {
    j["suppressed"] = true;
    j["suppressed_by"] = f.suppressed_by;
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

json to_json(const core::Report& r)
{
  json j;
  j["version"] = k_json_version;
  j["tool"] = {{"name", "dsnguard"}, {"version", "0.1.0"}};
  j["command"] = r.command;
  j["mode"] = r.mode;
  j["redacted"] = r.redacted;
  json findings = json::array();
  json suppressed = json::array();
  for (const auto& f : r.findings) {
    (f.suppressed ? suppressed : findings).push_back(to_json(f));
  }
  j["findings"] = findings;
  if (!suppressed.empty()) {
    j["suppressed"] = suppressed;
  }
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

}  // namespace dsnguard::report
