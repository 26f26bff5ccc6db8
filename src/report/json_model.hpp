#pragma once
// Internal to report/: the JSON document model shared by the JSON, SARIF and audit reporters.

#include <nlohmann/json.hpp>

#include <ostream>

#include "core/types.hpp"

namespace dsnguard::report {

inline constexpr int k_json_version = 1;

nlohmann::json to_json(const core::Finding& finding);
nlohmann::json to_json(const core::Summary& summary);
nlohmann::json to_json(const core::Report& report);

// Writes what to_json(report).dump(2, ' ', false, replace) gives, without building the whole document: each
// finding, and each occurrence of a history finding, is a small document of its own (a history report can list
// a hundred thousand occurrences; as one document that was ~450 MB on sqlalchemy with --min-confidence low).
void write_json(std::ostream& out, const core::Report& report);

}  // namespace dsnguard::report
