#include "core/types.hpp"

namespace dsnguard::core {

std::string_view to_string(Severity s)
{
  switch (s) {
  case Severity::info: return "info";
  case Severity::warning: return "warning";
  case Severity::error: return "error";
  }
  return "error";
}

std::string_view to_string(Confidence c)
{
  switch (c) {
  case Confidence::low: return "low";
  case Confidence::medium: return "medium";
  case Confidence::high: return "high";
  }
  return "high";
}

std::string_view to_string(FindingKind k)
{
  switch (k) {
  case FindingKind::secret: return "secret";
  case FindingKind::env_file: return "env-file";
  case FindingKind::lint: return "lint";
  }
  return "secret";
}

std::string_view to_string(OriginKind k)
{
  switch (k) {
  case OriginKind::worktree: return "worktree";
  case OriginKind::staged: return "staged";
  case OriginKind::history: return "history";
  }
  return "worktree";
}

std::string_view to_string(VerifyState v)
{
  switch (v) {
  case VerifyState::unknown: return "unknown";
  case VerifyState::live: return "live";
  case VerifyState::rejected: return "rejected";
  case VerifyState::unreachable: return "unreachable";
  case VerifyState::error: return "error";
  case VerifyState::refused: return "refused";
  }
  return "unknown";
}

std::string_view to_string(Skipped::Reason r)
{
  switch (r) {
  case Skipped::Reason::binary: return "binary";
  case Skipped::Reason::too_large: return "too-large";
  case Skipped::Reason::unreadable: return "unreadable";
  case Skipped::Reason::missing_object: return "missing-object";
  case Skipped::Reason::not_regular: return "not-regular";
  case Skipped::Reason::submodule: return "submodule";
  case Skipped::Reason::symlink_outside: return "symlink-outside-root";
  case Skipped::Reason::other: return "other";
  }
  return "other";
}

bool is_incomplete(Skipped::Reason r)
{
  return r == Skipped::Reason::unreadable || r == Skipped::Reason::missing_object || r == Skipped::Reason::other;
}

std::optional<Severity> parse_severity(std::string_view s)
{
  if (s == "info") return Severity::info;
  if (s == "warning") return Severity::warning;
  if (s == "error") return Severity::error;
  return std::nullopt;
}

std::optional<Confidence> parse_confidence(std::string_view s)
{
  if (s == "low") return Confidence::low;
  if (s == "medium") return Confidence::medium;
  if (s == "high") return Confidence::high;
  return std::nullopt;
}

}  // namespace dsnguard::core

namespace dsnguard::core {
std::string_view to_string(Format f)
{
  switch (f) {
  case Format::text: return "text";
  case Format::json: return "json";
  case Format::sarif: return "sarif";
  case Format::markdown: return "markdown";
  case Format::html: return "html";
  }
  return "text";
}
}  // namespace dsnguard::core
