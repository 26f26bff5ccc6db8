#pragma once
#include "report/reporter.hpp"

namespace dsnguard::report {

// The versioned JSON report (schema documented in README "JSON output", version 1).
class JsonReporter : public Reporter {
public:
  core::Expected<void> write(std::ostream& out, const core::Report& report) override;
};

}  // namespace dsnguard::report
