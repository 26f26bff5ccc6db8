#pragma once
// The repository config file `.dsnguard.json` (at the repository root, or --config FILE): which paths are
// allowed to hold credentials, which rules run and how severe they are, the default --fail-on, extra rule
// files and the baseline file. Parsing only; app/ applies it. Unknown keys are errors naming the key.
//
//   {
//     "version": 1,
//     "allow-paths": ["tests/fixtures/", "**/*.example"],   // findings there are suppressed ("config")
//     "rules": {                                             // per rule id
//       "env-file": "off",                                   // "off" / "on" or an object:
//       "postgres-uri": {"enabled": true, "severity": "warning"}
//     },
//     "fail-on": "medium",            // low|medium|high (confidence) or info|warning|error (severity)
//     "extra-rules": ["ci/rules.json"],  // rule files or directories, relative to the config file
//     "baseline": ".dsnguard-baseline"   // relative to the config file; used when --baseline is absent
//   }

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/types.hpp"

namespace dsnguard::config {

inline constexpr std::string_view k_repo_config_name = ".dsnguard.json";

// Per-rule settings from "rules".
struct RuleSetting {
  std::optional<bool> enabled;               // nullopt = unchanged
  std::optional<core::Severity> severity;    // nullopt = the rule's own
};

struct RepoConfig {
  std::string file;                           // where it was read from ("" = no config file)
  std::vector<std::string> allow_paths;       // globs, see config/glob.hpp
  std::map<std::string, RuleSetting> rules;   // by rule id
  std::string fail_on;                        // "" = not set
  std::vector<std::string> extra_rules;       // absolute or relative to the working directory (resolved)
  std::string baseline;                       // resolved like extra_rules; "" = not set

  // True when `path` matches one of allow_paths.
  bool path_allowed(std::string_view path) const;
  // False when "rules" turns `rule_id` off.
  bool rule_enabled(std::string_view rule_id) const;
  // The severity override for `rule_id`, if any.
  std::optional<core::Severity> severity_for(std::string_view rule_id) const;
};

// Parses config JSON text. `source_name` prefixes every error ("/repo/.dsnguard.json: unknown key 'x'").
// Relative paths in "extra-rules"/"baseline" are resolved against `base_dir` (the config file's directory).
// Error (config): malformed JSON, not an object, unknown keys (at any level, named with their path, e.g.
// "rules.postgres-uri.severty"), wrong value types, bad severity or fail-on values.
core::Expected<RepoConfig> parse_repo_config(std::string_view json, std::string_view source_name,
                                             const std::string& base_dir);

// Reads and parses `path`. Error (config) naming the file when it cannot be read or parsed.
core::Expected<RepoConfig> load_repo_config(const std::string& path);

}  // namespace dsnguard::config
