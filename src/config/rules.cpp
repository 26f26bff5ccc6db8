#include "config/rules.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "util/file.hpp"

namespace dsnguard::config {

namespace {

using core::ErrorCode;
using core::fail;
using nlohmann::json;

const std::set<std::string> k_rule_keys = {"id",         "description", "kind",     "pattern",  "secret_group",
                                           "keywords",   "path",        "validator", "severity", "confidence",
                                           "fix",        "tags",        "allow",    "samples"};
const std::set<std::string> k_validators = {"", "uri", "keyvalue", "jdbc", "ado", "pgpass", "assignment", "kwarg"};

core::Expected<std::vector<std::string>> string_list(const json& j, const std::string& where)
{
  std::vector<std::string> out;
  if (!j.is_array()) {
    return fail(ErrorCode::config, where + " must be an array of strings");
  }
  for (const auto& e : j) {
    if (!e.is_string()) {
      return fail(ErrorCode::config, where + " must be an array of strings");
    }
    out.push_back(e.get<std::string>());
  }
  return out;
}

core::Expected<std::vector<core::RuleSample>> samples(const json& j, const std::string& where)
{
  std::vector<core::RuleSample> out;
  if (!j.is_array()) {
    return fail(ErrorCode::config, where + " must be an array");
  }
  for (const auto& e : j) {
    core::RuleSample s;
    if (e.is_string()) {
      s.text = e.get<std::string>();
    } else if (e.is_object() && e.contains("text") && e["text"].is_string()) {
      s.text = e["text"].get<std::string>();
      if (e.contains("path")) {
        if (!e["path"].is_string()) {
          return fail(ErrorCode::config, where + ": sample 'path' must be a string");
        }
        s.path = e["path"].get<std::string>();
      }
    } else {
      return fail(ErrorCode::config, where + ": a sample is a string or {\"text\", \"path\"}");
    }
    out.push_back(std::move(s));
  }
  return out;
}

core::Expected<core::Rule> parse_rule(const json& j, const std::string& source)
{
  if (!j.is_object()) {
    return fail(ErrorCode::config, source + ": each rule must be an object");
  }
  core::Rule r;
  r.source_file = source;
  if (!j.contains("id") || !j["id"].is_string() || j["id"].get<std::string>().empty()) {
    return fail(ErrorCode::config, source + ": a rule has no \"id\"");
  }
  r.id = j["id"].get<std::string>();
  const std::string where = source + ": rule '" + r.id + "'";
  for (const auto& [key, value] : j.items()) {
    if (!k_rule_keys.count(key)) {
      return fail(ErrorCode::config, where + ": unknown key \"" + key + "\"");
    }
  }
  const auto get_string = [&](const char* key, std::string& out) -> core::Expected<void> {
    if (j.contains(key)) {
      if (!j[key].is_string()) {
        return fail(ErrorCode::config, where + ": \"" + key + "\" must be a string");
      }
      out = j[key].get<std::string>();
    }
    return {};
  };
  DSNGUARD_TRY(get_string("description", r.description));
  DSNGUARD_TRY(get_string("pattern", r.pattern));
  DSNGUARD_TRY(get_string("secret_group", r.secret_group));
  DSNGUARD_TRY(get_string("path", r.path_pattern));
  DSNGUARD_TRY(get_string("validator", r.validator));
  DSNGUARD_TRY(get_string("fix", r.fix));
  std::string kind = "secret";
  DSNGUARD_TRY(get_string("kind", kind));
  if (kind == "secret") {
    r.kind = core::FindingKind::secret;
  } else if (kind == "env-file") {
    r.kind = core::FindingKind::env_file;
  } else {
    return fail(ErrorCode::config, where + ": \"kind\" must be \"secret\" or \"env-file\", not \"" + kind + "\"");
  }
  std::string severity = "error";
  DSNGUARD_TRY(get_string("severity", severity));
  const auto sev = core::parse_severity(severity);
  if (!sev) {
    return fail(ErrorCode::config, where + ": \"severity\" must be info, warning or error, not \"" + severity + "\"");
  }
  r.severity = *sev;
  std::string confidence = "high";
  DSNGUARD_TRY(get_string("confidence", confidence));
  const auto conf = core::parse_confidence(confidence);
  if (!conf) {
    return fail(ErrorCode::config, where + ": \"confidence\" must be low, medium or high, not \"" + confidence + "\"");
  }
  r.confidence = *conf;
  if (!k_validators.count(r.validator)) {
    return fail(ErrorCode::config, where + ": unknown \"validator\" \"" + r.validator + "\"");
  }
  if (r.pattern.empty() && r.path_pattern.empty()) {
    return fail(ErrorCode::config, where + ": needs a \"pattern\" or a \"path\"");
  }
  if (j.contains("keywords")) {
    DSNGUARD_TRY_ASSIGN(r.keywords, string_list(j["keywords"], where + ": \"keywords\""));
    for (auto& k : r.keywords) {
      std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    }
  }
  if (j.contains("tags")) {
    DSNGUARD_TRY_ASSIGN(r.tags, string_list(j["tags"], where + ": \"tags\""));
  }
  if (j.contains("allow")) {
    DSNGUARD_TRY_ASSIGN(r.allow_patterns, string_list(j["allow"], where + ": \"allow\""));
  }
  if (j.contains("samples")) {
    const auto& s = j["samples"];
    if (!s.is_object()) {
      return fail(ErrorCode::config, where + ": \"samples\" must be an object with \"positive\" and \"negative\"");
    }
    for (const auto& [key, value] : s.items()) {
      if (key != "positive" && key != "negative") {
        return fail(ErrorCode::config, where + ": unknown key \"samples." + key + "\"");
      }
    }
    if (s.contains("positive")) {
      DSNGUARD_TRY_ASSIGN(r.positives, samples(s["positive"], where + ": \"samples.positive\""));
    }
    if (s.contains("negative")) {
      DSNGUARD_TRY_ASSIGN(r.negatives, samples(s["negative"], where + ": \"samples.negative\""));
    }
  }
  return r;
}

}  // namespace

core::Expected<std::vector<core::Rule>> parse_rules(std::string_view text, std::string_view source_name)
{
  const std::string source(source_name);
  const json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded()) {
    return fail(ErrorCode::config, source + ": not valid JSON");
  }
  if (!doc.is_object() || !doc.contains("rules") || !doc["rules"].is_array()) {
    return fail(ErrorCode::config, source + ": expected an object {\"rules\": [...]}");
  }
  for (const auto& [key, value] : doc.items()) {
    if (key != "rules" && key != "version" && key != "$comment") {
      return fail(ErrorCode::config, source + ": unknown key \"" + key + "\"");
    }
  }
  std::vector<core::Rule> rules;
  std::set<std::string> ids;
  for (const auto& j : doc["rules"]) {
    DSNGUARD_TRY_ASSIGN(auto rule, parse_rule(j, source));
    if (!ids.insert(rule.id).second) {
      return fail(ErrorCode::config, source + ": duplicate rule id '" + rule.id + "'");
    }
    rules.push_back(std::move(rule));
  }
  return rules;
}

core::Expected<std::vector<core::Rule>> load_rules(const std::string& path)
{
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<std::string> files;
  if (fs::is_directory(path, ec)) {
    for (const auto& e : fs::directory_iterator(path, ec)) {
      if (e.path().extension() == ".json") {
        files.push_back(e.path().string());
      }
    }
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }
  std::vector<core::Rule> all;
  for (const auto& f : files) {
    const auto r = util::read_file(f);
    if (!r.ok) {
      return fail(ErrorCode::config, f + ": cannot read rule file: " + r.error);
    }
    DSNGUARD_TRY_ASSIGN(auto rules, parse_rules(r.data, f));
    for (auto& rule : rules) {
      all.push_back(std::move(rule));
    }
  }
  return all;
}

}  // namespace dsnguard::config
