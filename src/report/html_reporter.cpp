#include "report/html_reporter.hpp"

#include "report/audit_document.hpp"

namespace dsnguard::report {

core::Expected<void> HtmlReporter::write(std::ostream& out, const core::Report& report)
{
  audit_document(report).write_html(out, report.command == "audit" ? "dsnguard audit report" : "dsnguard report");
  return {};
}

}  // namespace dsnguard::report
