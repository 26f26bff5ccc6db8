#pragma once
#include "report/reporter.hpp"

namespace dsnguard::report {

// SARIF 2.1.0 for GitHub code scanning and other SARIF consumers. One run; tool.driver.rules lists every rule
// of the report (id, name, short/full description, help text and markdown, defaultConfiguration.level,
// properties: tags, precision, security-severity). Each result carries ruleId/ruleIndex, level, a message
// without the secret, a physical location with a repo-relative percent-encoded URI (uriBaseId SRCROOT) and a
// region when the line is known, partialFingerprints {"dsnguard/v1": fingerprint}, and properties (kind,
// confidence, commit, occurrences, redacted attributes). History findings keep their path and commit even
// when the file is gone from HEAD. Suppressed findings appear with `suppressions` (inSource for inline
// allows, external for baseline and config). Never emits a snippet: the matched text is not part of SARIF.
class SarifReporter : public Reporter {
public:
  core::Expected<void> write(std::ostream& out, const core::Report& report) override;
};

}  // namespace dsnguard::report
