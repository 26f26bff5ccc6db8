#include "report/text_reporter.hpp"

#include <cstdio>
#include <cstdint>
#include <map>
#include <string>

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

// What a blocked commit or push prints after the findings: what to do next. Git shows hook output to
// the user; this is the only place they learn the three ways out.
void write_ways_out(std::ostream& out, const core::Report& report)
{
  const bool push = report.mode == "pre-push";
  const auto n = report.summary.findings;
  out << "\n"
      << "dsnguard blocked this " << (push ? "push" : "commit") << ": " << n
      << (n == 1 ? " credential finding" : " credential findings") << " (shown above, secrets redacted).\n"
      << "Ways out:\n"
      << "  1. Remove it: read the value from the environment or an untracked .env file instead, then "
      << (push ? "rewrite the commits that added it (git rebase -i / git commit --amend)" : "git add the fix") << ".\n"
      << "  2. Not a real secret (test fixture, example)? Mark it allowed on that line or the line above:\n"
      << "       # dsnguard:allow\n"
      << "  3. Accept it as known: record it in the baseline and commit the baseline:\n"
      << "       dsnguard scan " << (push ? "" : "--staged ") << "--write-baseline .dsnguard-baseline"
      << " && git add .dsnguard-baseline\n"
      << "A real password that was committed or pushed must also be rotated.\n";
}

}  // namespace

core::Expected<void> TextReporter::write(std::ostream& out, const core::Report& report)
{
  const Palette p = palette(m_options.color);
  for (const auto& f : report.findings) {
    if (f.suppressed && !m_options.show_suppressed) {
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
    if (f.suppressed) {
      out << " [suppressed: " << f.suppressed_by << "]";
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
    std::map<std::string, std::uint64_t> by;
    for (const auto& f : report.findings) {
      if (f.suppressed) {
        ++by[f.suppressed_by.empty() ? "other" : f.suppressed_by];
      }
    }
    std::string sep = " (";
    for (const auto& [how, count] : by) {
      out << sep << count << " " << how;
      sep = ", ";
    }
    if (!by.empty()) {
      out << ")";
    }
    if (!m_options.show_suppressed) {
      out << " (list with --show-suppressed)";
    }
  }
  if (s.incomplete) {
    out << ", INCOMPLETE";
  }
  out << " in " << format_seconds(s.seconds) << p.reset << "\n";
  if (s.findings > 0 && (report.mode == "staged" || report.mode == "pre-push")) {
    write_ways_out(out, report);
  }
  return {};
}

}  // namespace dsnguard::report
