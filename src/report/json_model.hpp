#pragma once
// Internal to report/: the JSON document model shared by the JSON, SARIF and audit reporters.

#include <nlohmann/json.hpp>

#include "core/types.hpp"

namespace dsnguard::report {

inline constexpr int k_json_version = 1;

nlohmann::json to_json(const core::Finding& finding);
nlohmann::json to_json(const core::Summary& summary);
nlohmann::json to_json(const core::Report& report);

}  // namespace dsnguard::report
