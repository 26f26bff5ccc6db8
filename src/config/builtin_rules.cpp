// config::builtin_rules(): the rules/*.json texts embedded by cmake/EmbedRules.cmake, parsed and checked like a user
// rule file. Kept apart from rules.cpp so the executable, whose scans use the generated builtin_rules_for_scan()
// (src/config/gen/rulegen.cpp), links neither this nor the embedded JSON.
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/rules.hpp"

namespace dsnguard::config {

namespace detail {
std::vector<std::pair<std::string_view, std::string_view>> builtin_rule_files();  // generated
}

core::Expected<std::vector<core::Rule>> builtin_rules()
{
  std::vector<core::Rule> all;
  std::set<std::string> ids;
  for (const auto& [name, text] : detail::builtin_rule_files()) {
    DSNGUARD_TRY_ASSIGN(auto rules, parse_rules(text, name));
    for (auto& r : rules) {
      if (!ids.insert(r.id).second) {
        return core::fail(core::ErrorCode::config, std::string(name) + ": duplicate rule id '" + r.id + "'");
      }
      r.builtin = true;
      all.push_back(std::move(r));
    }
  }
  return all;
}

}  // namespace dsnguard::config
