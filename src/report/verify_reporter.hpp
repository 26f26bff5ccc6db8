#pragma once
// Formats the result of `dsnguard verify` (core::VerifyReport) as text or JSON. Only formats: the report is
// already scrubbed of the password by app/ and verify/.

#include <ostream>

#include "core/error.hpp"
#include "core/types.hpp"
#include "core/verify_report.hpp"

namespace dsnguard::report {

// Writes `report` in `format` (text or json; any other format is an error of code usage).
core::Expected<void> write_verify_report(std::ostream& out, const core::VerifyReport& report, core::Format format);

}  // namespace dsnguard::report
