#include "report/audit_document.hpp"

#include <ctime>

#include "report/remediation.hpp"

namespace dsnguard::report {

namespace {

std::string date_of(std::int64_t t)
{
  if (t <= 0) {
    return "";
  }
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm {};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string where(const core::Finding& f)
{
  std::string s = f.location.path;
  if (f.location.line > 0) {
    s += ":" + std::to_string(f.location.line);
  }
  return code_span(s);
}

// The earliest occurrence (introducing commit), or nullptr for working-tree-only findings.
const core::Occurrence* first_occurrence(const core::Finding& f)
{
  const core::Occurrence* first = nullptr;
  for (const auto& o : f.occurrences) {
    if (first == nullptr || (o.time > 0 && o.time < first->time)) {
      first = &o;
    }
  }
  return first;
}

std::string introduced(const core::Finding& f)
{
  if (f.kind == core::FindingKind::lint) {
    return "-";  // a property of the current tree, not of a commit
  }
  if (const auto* o = first_occurrence(f)) {
    std::string s = code_span(o->commit.substr(0, 12));
    const auto d = date_of(o->time);
    if (!d.empty()) {
      s += " " + d;
    }
    if (!o->author.empty()) {
      s += " by " + o->author;
    }
    return s;
  }
  if (!f.location.commit.empty()) {
    return code_span(f.location.commit.substr(0, 12));
  }
  return "working tree";
}

std::string title(const core::Report& r)
{
  return r.command == "audit" ? "dsnguard audit report" : "dsnguard " + r.command + " report";
}

void summary(Document& doc, const core::Report& r)
{
  std::uint64_t secrets = 0;
  std::uint64_t env_files = 0;
  std::uint64_t lint = 0;
  std::uint64_t live = 0;
  std::uint64_t in_history_only = 0;
  for (const auto& f : r.findings) {
    if (f.suppressed) {
      continue;
    }
    (f.kind == core::FindingKind::secret ? secrets : f.kind == core::FindingKind::env_file ? env_files : lint) += 1;
    live += f.verification == core::VerifyState::live ? 1 : 0;
    bool at_head = f.occurrences.empty();
    for (const auto& o : f.occurrences) {
      at_head = at_head || o.at_head;
    }
    in_history_only += at_head ? 0 : 1;
  }
  const auto& s = r.summary;
  std::vector<std::vector<std::string>> rows = {
    {"Database credentials", std::to_string(secrets)},
    {"Tracked .env files", std::to_string(env_files)},
    {"Repository hygiene (lint)", std::to_string(lint)},
    {"Only in history (deleted from HEAD, still leaked)", std::to_string(in_history_only)},
    {"Verified live (SELECT 1 succeeded)", std::to_string(live)},
    {"Suppressed (inline allow, baseline, config)", std::to_string(s.suppressed)},
    {"Files scanned / skipped", std::to_string(s.files_scanned) + " / " + std::to_string(s.files_skipped)},
    {"Commits walked / unique blobs", std::to_string(s.commits) + " / " + std::to_string(s.blobs)},
    {"Complete", s.incomplete ? "**no**: some objects or files could not be read (see notes)"
                              : (s.partial_history ? "**partial history** (shallow clone or range)" : "yes")},
  };
  doc.heading(2, "Summary");
  doc.table({"Check", "Result"}, rows);

  std::vector<std::vector<std::string>> findings;
  int n = 0;
  for (const auto& f : r.findings) {
    if (f.suppressed) {
      continue;
    }
    const auto live_state = f.verification == core::VerifyState::unknown ? std::string("not checked")
                                                                         : std::string(core::to_string(f.verification));
    findings.push_back({std::to_string(++n), std::string(core::to_string(f.severity)), code_span(f.rule_id), where(f),
                        introduced(f), live_state});
  }
  if (!findings.empty()) {
    doc.table({"#", "Severity", "Rule", "Where", "Introduced", "Live?"}, findings);
  } else {
    doc.paragraph("No unsuppressed findings.");
  }
}

void provenance(Document& doc, const core::Finding& f)
{
  if (f.occurrences.empty()) {
    doc.paragraph(f.location.commit.empty()
                      ? "**Provenance:** found in the working tree (not traced through history in this run)."
                      : "**Provenance:** commit " + code_span(f.location.commit) + ".");
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& o : f.occurrences) {
    std::string refs;
    for (const auto& ref : o.refs) {
      refs += (refs.empty() ? "" : ", ") + code_span(ref);
    }
    rows.push_back({code_span(o.commit.substr(0, 12)), o.author, date_of(o.time),
                    code_span(o.path + (o.line > 0 ? ":" + std::to_string(o.line) : "")),
                    refs.empty() ? "none (unreachable; still in the object store until gc)" : refs,
                    o.at_head ? "yes" : "no"});
  }
  doc.paragraph("**Provenance** (introducing commits; refs that still reach them):");
  doc.table({"Commit", "Author", "Date", "Path", "Reachable from", "In HEAD"}, rows);
}

void finding_section(Document& doc, const core::Finding& f, int n)
{
  doc.heading(3, std::to_string(n) + ". " + code_span(f.rule_id) + " in " + where(f));
  std::vector<std::string> facts;
  if (!f.message.empty()) {
    facts.push_back("**What:** " + f.message);
  }
  if (!f.match.empty()) {
    facts.push_back("**Match:** " + code_span(f.match));
  }
  std::string attrs;
  for (const auto& [k, v] : f.attributes) {
    attrs += (attrs.empty() ? "" : ", ") + k + " " + code_span(v);
  }
  if (!attrs.empty()) {
    facts.push_back("**Details:** " + attrs);
  }
  facts.push_back("**Severity / confidence:** " + std::string(core::to_string(f.severity)) + " / "
                  + std::string(core::to_string(f.confidence)));
  if (f.verification != core::VerifyState::unknown) {
    facts.push_back("**Verification:** " + std::string(core::to_string(f.verification))
                    + (f.verification_detail.empty() ? "" : " (" + f.verification_detail + ")"));
  }
  facts.push_back("**Fingerprint:** " + code_span(f.fingerprint));
  doc.list(facts);
  if (f.kind == core::FindingKind::lint) {
    // Hygiene findings leak nothing by themselves: the fix is the whole remediation.
    doc.paragraph("**Fix:** " + (f.fix.empty() ? std::string("see the rule description.") : f.fix));
    return;
  }
  provenance(doc, f);
  doc.paragraph("**1. Rotate the credential** (removing it from the code does not un-leak it):");
  doc.list(rotation_steps(f), true);
  doc.paragraph("**2. Purge it from history** (after rotating; see the caveats below):");
  doc.code("sh", purge_commands(f));
  doc.paragraph("**3. Keep it out:** "
                + std::string(f.kind == core::FindingKind::env_file
                                  ? "`git rm --cached " + f.location.path + "`, then add the ignore rule and a "
                                                                            "`.env.example` (below)."
                                  : "read the URL from the environment (`DATABASE_URL`), add the ignore rule and a "
                                    "`.env.example` (below)."));
}

void general_sections(Document& doc)
{
  doc.heading(2, "Purging history: caveats");
  doc.list({
    "Rotate first. A rewrite does not reach clones, forks, CI caches or anyone who already fetched the commits.",
    "`git filter-repo` (Debian/Ubuntu: `apt install git-filter-repo`) rewrites every commit from the first "
    "affected one: all later commit ids change, signed commits lose their signatures.",
    "It removes the `origin` remote on purpose. Re-add it and force-push every branch and tag:\n"
    "`git remote add origin <repository-url> && git push --force --mirror origin`",
    "Everyone must re-clone (or hard-reset every branch); merging an old clone brings the secret back.",
    "Hosted copies linger: open pull requests, forks and cached commit views keep old objects. On GitHub, "
    "ask GitHub Support to remove cached views and pull-request refs that still reference them.",
    "Branch protection may need to allow the force-push for the duration.",
  });
  doc.heading(2, "Keeping credentials out");
  doc.paragraph("Ignore local environment files but keep a template:");
  doc.code("gitignore", "# .gitignore\n.env\n.env.*\n!.env.example\n");
  doc.paragraph("Commit a `.env.example` with names and placeholders only:");
  doc.code("sh", "# .env.example\nDATABASE_URL=postgres://USER:PASSWORD@HOST:5432/DBNAME\n");
  doc.paragraph("Install the hooks so this does not happen again: `dsnguard install-hook` (and "
                "`dsnguard install-hook --pre-push`), and run `dsnguard scan --history` in CI (see docs/ci.md).");
}

}  // namespace

Document audit_document(const core::Report& r)
{
  Document doc;
  doc.heading(1, title(r));
  std::string meta = "Repository: " + code_span(r.root.empty() ? std::string(".") : r.root) + " · mode: "
                     + code_span(r.mode) + " · dsnguard 0.1.0 · "
                     + (r.redacted ? "secrets redacted" : "**NOT redacted (--no-redact): do not share this report**");
  doc.paragraph(meta);
  summary(doc, r);
  if (!r.summary.notes.empty()) {
    doc.heading(2, "Notes");
    doc.list(r.summary.notes);
  }
  int n = 0;
  bool any = false;
  for (const auto& f : r.findings) {
    if (f.suppressed) {
      continue;
    }
    if (!any) {
      doc.heading(2, "Findings");
      any = true;
    }
    finding_section(doc, f, ++n);
  }
  std::vector<std::vector<std::string>> suppressed;
  for (const auto& f : r.findings) {
    if (f.suppressed) {
      suppressed.push_back({code_span(f.rule_id), where(f), f.suppressed_by, code_span(f.fingerprint)});
    }
  }
  if (!suppressed.empty()) {
    doc.heading(2, "Suppressed");
    doc.table({"Rule", "Where", "By", "Fingerprint"}, suppressed);
  }
  std::vector<std::vector<std::string>> skipped;
  for (const auto& s : r.skipped) {
    if (core::is_incomplete(s.reason)) {
      skipped.push_back({code_span(s.path), std::string(core::to_string(s.reason)), s.detail});
    }
  }
  if (!skipped.empty()) {
    doc.heading(2, "Not scanned");
    doc.table({"Path or object", "Reason", "Detail"}, skipped);
  }
  if (any) {
    general_sections(doc);
  }
  return doc;
}

}  // namespace dsnguard::report
