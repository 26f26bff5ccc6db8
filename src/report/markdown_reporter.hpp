#pragma once
#include "report/reporter.hpp"

namespace dsnguard::report {

// The audit report as GitHub-flavoured Markdown (see report/audit_document.hpp for the content).
class MarkdownReporter : public Reporter {
public:
  core::Expected<void> write(std::ostream& out, const core::Report& report) override;
};

}  // namespace dsnguard::report
