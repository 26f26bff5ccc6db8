#include "report/markdown_reporter.hpp"

#include "report/audit_document.hpp"

namespace dsnguard::report {

core::Expected<void> MarkdownReporter::write(std::ostream& out, const core::Report& report)
{
  audit_document(report).write_markdown(out);
  return {};
}

}  // namespace dsnguard::report
