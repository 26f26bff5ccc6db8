// Build-time tool: parses the built-in rules (rules/*.json, embedded as text) with config::builtin_rules(), so a
// broken built-in rule fails the build with the same message a user rule file would get, and writes them as C++
// code defining config::builtin_rules_for_scan(): a scan then copies its rules from a constant table instead of
// parsing JSON at every start. Samples are left out (a scan never reads them). Usage: dsnguard_rulegen OUT.cpp
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "config/rules.hpp"
#include "util/strings.hpp"

namespace {

using dsnguard::core::Rule;

bool printable_ascii(std::string_view bytes)
{
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c > 0x7e) {
      return false;
    }
  }
  return true;
}

// A C++ string_view literal holding exactly `bytes`: plain when nothing needs escaping, raw when only quotes or
// backslashes do (patterns stay readable), octal escapes otherwise (three digits, so an escape cannot swallow the
// characters after it; "sv" keeps embedded NULs).
std::string literal(std::string_view bytes)
{
  if (printable_ascii(bytes)) {
    if (bytes.find_first_of("\\\"?") == std::string_view::npos) {
      return "\"" + std::string(bytes) + "\"sv";
    }
    for (const std::string delim : {"", "dsnguard"}) {
      if (bytes.find(")" + delim + "\"") == std::string_view::npos) {
        return "R\"" + delim + "(" + std::string(bytes) + ")" + delim + "\"sv";
      }
    }
  }
  return dsnguard::util::c_string_literal(bytes) + "sv";
}

std::string list(const std::vector<std::string>& items)
{
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += (i ? ", " : "") + literal(items[i]);
  }
  return out + "}";
}

std::string_view kind_name(dsnguard::core::FindingKind kind)
{
  switch (kind) {
  case dsnguard::core::FindingKind::secret:
    return "secret";
  case dsnguard::core::FindingKind::env_file:
    return "env_file";
  case dsnguard::core::FindingKind::lint:
    return "lint";
  }
  return "secret";
}

// The fixed part of the output: a constant table of the rules' texts (designated initializers, every field named)
// and the loop that turns it into core::Rule values.
constexpr std::string_view k_prologue = R"cpp(#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "config/rules.hpp"

namespace dsnguard::config {

namespace {

using namespace std::string_view_literals;

struct RuleText {
  std::string_view id;
  std::string_view description;
  core::FindingKind kind = core::FindingKind::secret;
  std::string_view pattern;
  std::string_view secret_group;
  std::initializer_list<std::string_view> keywords;
  std::string_view path_pattern;
  std::string_view validator;
  core::Severity severity = core::Severity::error;
  core::Confidence confidence = core::Confidence::high;
  std::string_view fix;
  std::initializer_list<std::string_view> tags;
  std::initializer_list<std::string_view> allow_patterns;
  std::string_view source_file;
};

std::vector<std::string> strings(std::initializer_list<std::string_view> items)
{
  return {items.begin(), items.end()};
}

constexpr RuleText k_rules[] = {
)cpp";

constexpr std::string_view k_epilogue = R"cpp(};

}  // namespace

core::Expected<std::vector<core::Rule>> builtin_rules_for_scan()
{
  std::vector<core::Rule> rules(std::size(k_rules));
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const RuleText& t = k_rules[i];
    core::Rule& r = rules[i];
    r.id = t.id;
    r.description = t.description;
    r.kind = t.kind;
    r.pattern = t.pattern;
    r.secret_group = t.secret_group;
    r.keywords = strings(t.keywords);
    r.path_pattern = t.path_pattern;
    r.validator = t.validator;
    r.severity = t.severity;
    r.confidence = t.confidence;
    r.fix = t.fix;
    r.tags = strings(t.tags);
    r.allow_patterns = strings(t.allow_patterns);
    r.source_file = t.source_file;
    r.builtin = true;
  }
  return rules;
}

}  // namespace dsnguard::config
)cpp";

// One table entry holding every field a scan reads. The structured binding stops the build when core::Rule gains
// a field this tool does not know about (add it here, to RuleText and the loop above, to the equality test in
// tests/unit/config/builtin_rules_test.cpp, and to the binding).
void write_rule(std::ostream& out, const Rule& rule)
{
  const auto& [id, description, kind, pattern, secret_group, keywords, path_pattern, validator, severity, confidence,
               fix, tags, allow_patterns, positives, negatives, source_file, builtin] = rule;
  static_cast<void>(positives);  // samples are for the rule tests (config::builtin_rules())
  static_cast<void>(negatives);
  static_cast<void>(builtin);    // set by the loop
  const auto field = [&](std::string_view name, const std::string& value) {
    out << "        ." << name << " = " << literal(value) << ",\n";
  };
  const auto fields = [&](std::string_view name, const std::vector<std::string>& values) {
    out << "        ." << name << " = " << list(values) << ",\n";
  };
  out << "    {\n";
  field("id", id);
  field("description", description);
  out << "        .kind = core::FindingKind::" << kind_name(kind) << ",\n";
  field("pattern", pattern);
  field("secret_group", secret_group);
  fields("keywords", keywords);
  field("path_pattern", path_pattern);
  field("validator", validator);
  out << "        .severity = core::Severity::" << dsnguard::core::to_string(severity) << ",\n";
  out << "        .confidence = core::Confidence::" << dsnguard::core::to_string(confidence) << ",\n";
  field("fix", fix);
  fields("tags", tags);
  fields("allow_patterns", allow_patterns);
  field("source_file", source_file);
  out << "    },\n";
}

}  // namespace

int main(int argc, char** argv)
{
  if (argc != 2) {
    std::cerr << "usage: dsnguard_rulegen OUT.cpp\n";
    return 2;
  }
  const auto rules = dsnguard::config::builtin_rules();
  if (!rules) {
    std::cerr << "dsnguard_rulegen: " << rules.error().message << "\n";
    return 1;
  }
  std::ostringstream out;
  out << "// Generated from rules/*.json by dsnguard_rulegen (src/config/gen/rulegen.cpp). Do not edit.\n"
      << k_prologue;
  for (const auto& rule : *rules) {
    write_rule(out, rule);
  }
  out << k_epilogue;
  // Rewritten only when the text changes, so touching the tool does not recompile the rules.
  const std::string text = out.str();
  {
    std::ifstream old(argv[1], std::ios::binary);
    std::ostringstream current;
    current << old.rdbuf();
    if (old && current.str() == text) {
      return 0;
    }
  }
  std::ofstream file(argv[1], std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  return file ? 0 : 1;
}
