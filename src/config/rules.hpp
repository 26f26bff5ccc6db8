#pragma once
// config/: loads rules/*.json (compiled in) and user rule files into core::Rule; the only JSON parsing of
// input. Regexes are not compiled here (scan/ does that and reports RE2 errors with the rule id).

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/types.hpp"

namespace dsnguard::config {

// The default rules: rules/*.json embedded as text, parsed and checked like a user rule file (samples included).
// For the rule tests and the build-time generators; the executable does not link it.
core::Expected<std::vector<core::Rule>> builtin_rules();
// The same rules without their samples (positives/negatives stay empty): what a scan needs. Built from C++
// literals that dsnguard_rulegen (gen/rulegen.cpp) writes at build time from builtin_rules(), so a start parses
// no JSON (start-up of the pre-commit hook and of every scan). Each call returns a fresh vector; never fails
// (a broken built-in rule fails the build), the Expected is kept for callers.
core::Expected<std::vector<core::Rule>> builtin_rules_for_scan();
// Parses one rule file's JSON text. `source_name` is used in errors ("rules/postgres.json: rule 'x': ...").
// Error (config) on malformed JSON, unknown keys, missing id/pattern, bad enum values, duplicate ids.
core::Expected<std::vector<core::Rule>> parse_rules(std::string_view json, std::string_view source_name);
// Loads a rule file, or every *.json in a directory (sorted by name).
core::Expected<std::vector<core::Rule>> load_rules(const std::string& path);

}  // namespace dsnguard::config
