#pragma once
// Internal to report/: a small document model (headings, paragraphs, lists, tables, code blocks) that the
// audit report is built in once and rendered as Markdown or as self-contained HTML, so the two formats
// never drift apart.

#include <ostream>
#include <string>
#include <vector>

namespace dsnguard::report {

struct Block {
  enum class Kind { heading, paragraph, list, ordered_list, table, code };
  Kind kind = Kind::paragraph;
  int level = 1;                               // heading level
  std::string text;                            // heading/paragraph text, code body, code language in `lang`
  std::string lang;                            // code block language ("sh", "sql", "text")
  std::vector<std::string> items;              // list items / table header
  std::vector<std::vector<std::string>> rows;  // table rows
};

// Inline markup inside text: `code` spans and **bold** only; everything else is literal. Renderers escape
// the rest (Markdown: | and leading markup in tables; HTML: & < > ").
class Document {
public:
  void heading(int level, std::string text);
  void paragraph(std::string text);
  void list(std::vector<std::string> items, bool ordered = false);
  void table(std::vector<std::string> header, std::vector<std::vector<std::string>> rows);
  void code(std::string lang, std::string body);

  void write_markdown(std::ostream& out) const;
  // A complete HTML page with inline CSS; no scripts, no external resources.
  void write_html(std::ostream& out, const std::string& title) const;

private:
  std::vector<Block> m_blocks;
};

// Wraps `s` in a Markdown code span, choosing a backtick fence longer than any run inside `s`.
std::string code_span(const std::string& s);

}  // namespace dsnguard::report
