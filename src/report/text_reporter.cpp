#include "report/text_reporter.hpp"

#include <cstdio>

#include "util/strings.hpp"

namespace dsnguard::report {

namespace {

struct Palette {
  const char* path = "";
  const char* rule = "";
  const char* error = "";
  const char* warning = "";
  const char* dim = "";
  const char* reset = "";
};

Palette palette(bool color)
{
  if (!color) {
    return {};
  }
  return {"\x1b[1m", "\x1b[36m", "\x1b[31m", "\x1b[33m", "\x1b[2m", "\x1b[0m"};
}

std::string format_seconds(double s)
{
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2fs", s);
  return buf;
}

}  // namespace

core::Expected<void> TextReporter::write(std::ostream& out, const core::Report& report)
{
  const Palette p = palette(m_options.color);
  for (const auto& f : report.findings) {
    if (f.suppressed) {
      continue;
    }
    const char* sev = f.severity == core::Severity::error ? p.error : (f.severity == core::Severity::warning ? p.warning : p.dim);
    out << p.path << util::printable(f.location.path) << ":" << f.location.line << ":" << f.location.column << p.reset
        << ": " << sev << core::to_string(f.severity) << p.reset << " " << p.rule << f.rule_id << p.reset;
    if (f.kind != core::FindingKind::lint) {
      out << " [" << core::to_string(f.confidence) << "]";
    }
    if (!f.location.commit.empty()) {
      out << " (commit " << f.location.commit.substr(0, 12) << ")";
    }
    out << "\n";
    if (!f.message.empty()) {
      out << "    " << util::printable(f.message) << "\n";
    }
    if (!f.match.empty()) {
      out << "    " << p.dim << util::printable(f.match) << p.reset << "\n";
    }
    if (f.verification != core::VerifyState::unknown) {
      out << "    verification: " << core::to_string(f.verification);
      if (!f.verification_detail.empty()) {
        out << " (" << util::printable(f.verification_detail) << ")";
      }
      out << "\n";
    }
    if (f.occurrences.size() > 1) {
      out << "    seen in " << f.occurrences.size() << " places\n";
    }
    if (!f.fix.empty()) {
      out << "    fix: " << util::printable(f.fix) << "\n";
    }
  }
  std::size_t listed = 0;
  for (const auto& s : report.skipped) {
    if (s.reason == core::Skipped::Reason::binary) {
      continue;  // counted in the summary
    }
    if (listed++ == 0) {
      out << "skipped:\n";
    }
    out << "    " << util::printable(s.path) << ": " << core::to_string(s.reason);
    if (!s.detail.empty()) {
      out << " (" << util::printable(s.detail) << ")";
    }
    out << "\n";
  }
  for (const auto& n : report.summary.notes) {
    out << "note: " << n << "\n";
  }
  const auto& s = report.summary;
  out << p.dim << s.files_scanned << " files scanned";
  if (s.blobs > 0) {
    out << " (" << s.blobs << " blobs, " << s.commits << " commits)";
  }
  out << ", " << s.files_skipped << " skipped";
  if (s.binary_skipped > 0) {
    out << " (" << s.binary_skipped << " binary)";
  }
  out << ", " << s.findings << (s.findings == 1 ? " finding" : " findings");
  if (s.suppressed > 0) {
    out << ", " << s.suppressed << " suppressed";
  }
  if (s.incomplete) {
    out << ", INCOMPLETE";
  }
  out << " in " << format_seconds(s.seconds) << p.reset << "\n";
  return {};
}

}  // namespace dsnguard::report
