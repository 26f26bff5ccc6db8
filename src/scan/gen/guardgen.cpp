// Build-time tool: derives the RegexGuard of every built-in rule (RE2's FilteredRE2 compiles each pattern a second
// time, which at every start cost about as much as compiling the rules themselves) and writes them as a C++
// source defining scan::detail::builtin_guard(). Usage: dsnguard_guardgen OUT.cpp
#include <fstream>
#include <iostream>
#include <string>

#include "config/rules.hpp"
#include "scan/regex_guard.hpp"
#include "util/strings.hpp"

int main(int argc, char** argv)
{
  if (argc != 2) {
    std::cerr << "usage: dsnguard_guardgen OUT.cpp\n";
    return 2;
  }
  auto rules = dsnguard::config::builtin_rules();
  if (!rules) {
    std::cerr << "dsnguard_guardgen: " << rules.error().message << "\n";
    return 1;
  }
  std::ofstream out(argv[1], std::ios::binary | std::ios::trunc);
  out << "// Generated from the built-in rules by dsnguard_guardgen (src/scan/gen/guardgen.cpp). Do not edit.\n"
      << "#include <string_view>\n#include <unordered_map>\n#include <vector>\n\n"
      << "#include \"scan/regex_guard.hpp\"\n\nnamespace dsnguard::scan::detail {\n\n"
      << "const std::vector<std::vector<std::string_view>>* builtin_guard(std::string_view pattern)\n{\n"
      << "  static const std::unordered_map<std::string_view, std::vector<std::vector<std::string_view>>> guards = {\n";
  for (const auto& rule : *rules) {
    if (rule.pattern.empty()) {
      continue;
    }
    const auto guard = dsnguard::scan::RegexGuard::derive(rule.pattern, dsnguard::scan::rule_regex_options(rule.pattern),
                                                         rule.keywords);
    out << "    // " << rule.id << "\n    {" << dsnguard::util::c_string_literal(rule.pattern) << ", {";
    for (const auto& clause : guard.clauses()) {
      out << "{";
      for (const auto& l : clause) {
        out << dsnguard::util::c_string_literal(l) << ", ";
      }
      out << "}, ";
    }
    out << "}},\n";
  }
  out << "  };\n  const auto it = guards.find(pattern);\n  return it == guards.end() ? nullptr : &it->second;\n}\n\n"
      << "}  // namespace dsnguard::scan::detail\n";
  out.close();
  return out ? 0 : 1;
}
