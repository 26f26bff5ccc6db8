#pragma once
// Internal to report/: the audit report (summary table, per-finding provenance and remediation, general
// purge and prevention guidance) as a Document, rendered by the Markdown and HTML reporters. Works for any
// Report (scan reports too); `dsnguard audit` fills the history and lint parts.

#include "core/types.hpp"
#include "report/document.hpp"

namespace dsnguard::report {

Document audit_document(const core::Report& report);

}  // namespace dsnguard::report
