#pragma once
#include "report/reporter.hpp"

namespace dsnguard::report {

// The audit report as one self-contained HTML page (inline CSS, no scripts, no external resources).
class HtmlReporter : public Reporter {
public:
  core::Expected<void> write(std::ostream& out, const core::Report& report) override;
};

}  // namespace dsnguard::report
