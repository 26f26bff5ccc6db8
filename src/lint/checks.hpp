#pragma once
// The catalogue of lint checks: stable ids, default severities and one-line titles (docs/lint-checks.md
// documents each id), plus the helper that builds a lint Finding.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.hpp"

namespace dsnguard::lint {

struct CheckInfo {
  std::string_view id;     // "G001", "L004", "P002": G = .gitignore, L = URL, P = project
  core::Severity severity;
  std::string_view title;  // one line, no trailing period
};

// Every check lint can report, in id order.
const std::vector<CheckInfo>& checks();
// The entry for `id`; nullptr when unknown.
const CheckInfo* find_check(std::string_view id);

// A Finding of kind lint for check `id` (its catalogue severity) at path:line:column.
// `match` is the offending text, already redacted by the caller (lint never puts a secret in a finding).
core::Finding make_finding(std::string_view id, const std::string& path, std::uint32_t line, std::uint32_t column,
                           std::string message, std::string fix, std::string match = {});

}  // namespace dsnguard::lint
