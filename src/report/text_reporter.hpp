#pragma once
#include "report/reporter.hpp"

namespace dsnguard::report {

// `path:line:col: rule [confidence] match` then an indented fix hint; a summary line at the end.
class TextReporter : public Reporter {
public:
  explicit TextReporter(ReporterOptions options) : m_options(options) {}
  core::Expected<void> write(std::ostream& out, const core::Report& report) override;

private:
  ReporterOptions m_options;
};

}  // namespace dsnguard::report
