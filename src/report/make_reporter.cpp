#include "report/html_reporter.hpp"
#include "report/json_reporter.hpp"
#include "report/markdown_reporter.hpp"
#include "report/reporter.hpp"
#include "report/sarif_reporter.hpp"
#include "report/text_reporter.hpp"

namespace dsnguard::report {

namespace {
// Formats whose reporter has not landed yet say so instead of printing something wrong.
class UnavailableReporter : public Reporter {
public:
  explicit UnavailableReporter(core::Format f) : m_format(f) {}
  core::Expected<void> write(std::ostream&, const core::Report&) override
  {
    return core::fail(core::ErrorCode::usage, "format '" + std::string(core::to_string(m_format)) + "' is not available for this command yet");
  }

private:
  core::Format m_format;
};
}  // namespace

std::unique_ptr<Reporter> make_reporter(core::Format format, const ReporterOptions& options)
{
  switch (format) {
  case core::Format::text: return std::make_unique<TextReporter>(options);
  case core::Format::json: return std::make_unique<JsonReporter>();
  case core::Format::sarif: return std::make_unique<SarifReporter>();
  case core::Format::markdown: return std::make_unique<MarkdownReporter>();
  case core::Format::html: return std::make_unique<HtmlReporter>();
  default: return std::make_unique<UnavailableReporter>(format);
  }
}

}  // namespace dsnguard::report
