#pragma once
// Internal to report/: building blocks of the SARIF document (shared by the SARIF and audit reporters).

#include <ostream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/types.hpp"

namespace dsnguard::report {

inline constexpr std::string_view k_sarif_schema = "https://json.schemastore.org/sarif-2.1.0.json";
inline constexpr std::string_view k_fingerprint_key = "dsnguard/v1";

// Percent-encodes a repo-relative path for a SARIF URI reference: keeps RFC 3986 unreserved characters and
// '/', encodes every other byte as %XX (so spaces, '#', '?', '%' and non-ASCII bytes stay unambiguous).
std::string uri_encode_path(std::string_view path);
// "file:///abs/root/" for an absolute directory (encoded), "" when `root` is not absolute.
std::string file_uri_for_directory(std::string_view root);
// SARIF level for a severity: error -> "error", warning -> "warning", info -> "note".
std::string_view sarif_level(core::Severity severity);
// GitHub's security-severity (0.1-10.0, as a string) for a rule: credential findings (secret, env file) at
// error severity are critical (9.0), other errors high (7.5), warnings medium (5.0), info low (2.0).
std::string security_severity(core::FindingKind kind, core::Severity severity);

// The complete SARIF log for `report`.
nlohmann::json to_sarif(const core::Report& report);
// Writes to_sarif(report).dump(2, ' ', false, replace) without building the whole log: each result, and each
// occurrence of a history finding, is a small document of its own.
void write_sarif(std::ostream& out, const core::Report& report);

}  // namespace dsnguard::report
