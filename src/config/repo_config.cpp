#include "config/repo_config.hpp"

#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "config/glob.hpp"
#include "util/file.hpp"

namespace dsnguard::config {

namespace {

using core::ErrorCode;
using core::fail;
using nlohmann::json;

const std::set<std::string> k_top_keys = {"version", "allow-paths", "rules", "fail-on", "extra-rules", "baseline"};
const std::set<std::string> k_rule_keys = {"enabled", "severity"};

core::Expected<std::vector<std::string>> strings(const json& j, const std::string& where)
{
  std::vector<std::string> out;
  if (!j.is_array()) {
    return fail(ErrorCode::config, where + " must be an array of strings");
  }
  for (const auto& e : j) {
    if (!e.is_string() || e.get<std::string>().empty()) {
      return fail(ErrorCode::config, where + " must be an array of non-empty strings");
    }
    out.push_back(e.get<std::string>());
  }
  return out;
}

std::string resolve(const std::string& base_dir, const std::string& p)
{
  const std::filesystem::path path(p);
  if (path.is_absolute() || base_dir.empty()) {
    return p;
  }
  return (std::filesystem::path(base_dir) / path).lexically_normal().string();
}

core::Expected<RuleSetting> parse_rule_setting(const json& j, const std::string& where)
{
  RuleSetting s;
  if (j.is_string()) {
    const auto v = j.get<std::string>();
    if (v == "off") {
      s.enabled = false;
    } else if (v == "on") {
      s.enabled = true;
    } else {
      return fail(ErrorCode::config, where + ": expected \"on\", \"off\" or an object, got \"" + v + "\"");
    }
    return s;
  }
  if (j.is_boolean()) {
    s.enabled = j.get<bool>();
    return s;
  }
  if (!j.is_object()) {
    return fail(ErrorCode::config, where + ": expected \"on\", \"off\" or an object");
  }
  for (const auto& [key, value] : j.items()) {
    if (k_rule_keys.count(key) == 0) {
      return fail(ErrorCode::config, "unknown key '" + where + "." + key + "' (expected enabled or severity)");
    }
    if (key == "enabled") {
      if (!value.is_boolean()) {
        return fail(ErrorCode::config, where + ".enabled must be true or false");
      }
      s.enabled = value.get<bool>();
    } else {
      const auto sev = value.is_string() ? core::parse_severity(value.get<std::string>()) : std::nullopt;
      if (!sev) {
        return fail(ErrorCode::config, where + ".severity must be \"info\", \"warning\" or \"error\"");
      }
      s.severity = *sev;
    }
  }
  return s;
}

}  // namespace

bool RepoConfig::path_allowed(std::string_view path) const
{
  for (const auto& g : allow_paths) {
    if (glob_match(g, path)) {
      return true;
    }
  }
  return false;
}

bool RepoConfig::rule_enabled(std::string_view rule_id) const
{
  const auto it = rules.find(std::string(rule_id));
  return it == rules.end() || !it->second.enabled.has_value() || *it->second.enabled;
}

std::optional<core::Severity> RepoConfig::severity_for(std::string_view rule_id) const
{
  const auto it = rules.find(std::string(rule_id));
  return it == rules.end() ? std::nullopt : it->second.severity;
}

core::Expected<RepoConfig> parse_repo_config(std::string_view text, std::string_view source_name,
                                             const std::string& base_dir)
{
  const std::string src(source_name);
  // Comments are accepted so teams can explain an allow-path next to it.
  const json j = json::parse(text.begin(), text.end(), nullptr, false, true);
  if (j.is_discarded()) {
    return fail(ErrorCode::config, src + ": not valid JSON");
  }
  if (!j.is_object()) {
    return fail(ErrorCode::config, src + ": the config must be a JSON object");
  }
  RepoConfig c;
  c.file = src;
  for (const auto& [key, value] : j.items()) {
    if (k_top_keys.count(key) == 0) {
      return fail(ErrorCode::config, src + ": unknown key '" + key
                                       + "' (expected version, allow-paths, rules, fail-on, extra-rules, baseline)");
    }
    if (key == "version") {
      if (!value.is_number_integer() || value.get<int>() != 1) {
        return fail(ErrorCode::config, src + ": 'version' must be 1");
      }
    } else if (key == "allow-paths") {
      DSNGUARD_TRY_ASSIGN(c.allow_paths, strings(value, src + ": 'allow-paths'"));
    } else if (key == "extra-rules") {
      DSNGUARD_TRY_ASSIGN(auto files, strings(value, src + ": 'extra-rules'"));
      for (const auto& f : files) {
        c.extra_rules.push_back(resolve(base_dir, f));
      }
    } else if (key == "baseline") {
      if (!value.is_string() || value.get<std::string>().empty()) {
        return fail(ErrorCode::config, src + ": 'baseline' must be a file name");
      }
      c.baseline = resolve(base_dir, value.get<std::string>());
    } else if (key == "fail-on") {
      const std::string v = value.is_string() ? value.get<std::string>() : std::string();
      if (!core::parse_confidence(v) && !core::parse_severity(v)) {
        return fail(ErrorCode::config,
                    src + ": 'fail-on' must be one of low, medium, high, info, warning, error");
      }
      c.fail_on = v;
    } else if (key == "rules") {
      if (!value.is_object()) {
        return fail(ErrorCode::config, src + ": 'rules' must be an object keyed by rule id");
      }
      for (const auto& [id, setting] : value.items()) {
        auto parsed = parse_rule_setting(setting, "rules." + id);
        if (!parsed) {
          return fail(ErrorCode::config, src + ": " + parsed.error().message);
        }
        c.rules[id] = *parsed;
      }
    }
  }
  return c;
}

core::Expected<RepoConfig> load_repo_config(const std::string& path)
{
  const auto r = util::read_file(path);
  if (!r.ok) {
    return fail(ErrorCode::config, "cannot read config '" + path + "': " + r.error);
  }
  const auto dir = std::filesystem::path(path).parent_path().string();
  return parse_repo_config(r.data, path, dir.empty() ? "." : dir);
}

}  // namespace dsnguard::config
