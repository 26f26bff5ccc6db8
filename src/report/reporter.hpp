#pragma once
// report/: the Reporter interface and make_reporter(Format). Reporters only format: they receive findings
// already filtered, redacted and sorted by app/.

#include <memory>
#include <ostream>

#include "core/error.hpp"
#include "core/types.hpp"

namespace dsnguard::report {

struct ReporterOptions {
  bool color = false;            // decided once, in app/ (TTY and NO_COLOR)
  bool show_suppressed = false;  // text: also list suppressed findings (JSON/SARIF always carry them)
};

class Reporter {
public:
  virtual ~Reporter() = default;
  virtual core::Expected<void> write(std::ostream& out, const core::Report& report) = 0;
};

// The reporter for `format`. Never null.
std::unique_ptr<Reporter> make_reporter(core::Format format, const ReporterOptions& options);

}  // namespace dsnguard::report
