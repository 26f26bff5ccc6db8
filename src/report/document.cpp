#include "report/document.hpp"

#include <algorithm>

#include "util/strings.hpp"

namespace dsnguard::report {

namespace {

std::string html_escape(std::string_view s)
{
  std::string out;
  for (const char c : s) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    default: out.push_back(c);
    }
  }
  return out;
}

// Renders inline markup (`code`, **bold**) to HTML; unbalanced markers are literal.
std::string inline_html(const std::string& s)
{
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '`') {
      std::size_t ticks = 0;
      while (i + ticks < s.size() && s[i + ticks] == '`') {
        ++ticks;
      }
      const std::string fence(ticks, '`');
      const auto end = s.find(fence, i + ticks);
      if (end != std::string::npos) {
        auto body = s.substr(i + ticks, end - i - ticks);
        if (body.size() >= 2 && body.front() == ' ' && body.back() == ' ') {
          body = body.substr(1, body.size() - 2);
        }
        out += "<code>" + html_escape(body) + "</code>";
        i = end + ticks;
        continue;
      }
    }
    if (s.compare(i, 2, "**") == 0) {
      const auto end = s.find("**", i + 2);
      if (end != std::string::npos) {
        out += "<strong>" + inline_html(s.substr(i + 2, end - i - 2)) + "</strong>";
        i = end + 2;
        continue;
      }
    }
    out += html_escape(std::string_view(&s[i], 1));
    ++i;
  }
  return out;
}

// Table cells: no newlines, '|' escaped (also inside code spans, which GitHub's tables require).
std::string md_cell(const std::string& s)
{
  std::string out;
  for (const char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::string code_span(const std::string& s)
{
  std::size_t longest = 0;
  std::size_t run = 0;
  for (const char c : s) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(longest + 1, '`');
  const bool pad = !s.empty() && (s.front() == '`' || s.back() == '`');
  // printable(): a path or match with control bytes must not break the line structure.
  const std::string body = util::printable(s);
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

void Document::heading(int level, std::string text)
{
  Block b;
  b.kind = Block::Kind::heading;
  b.level = level;
  b.text = std::move(text);
  m_blocks.push_back(std::move(b));
}

void Document::paragraph(std::string text)
{
  Block b;
  b.kind = Block::Kind::paragraph;
  b.text = std::move(text);
  m_blocks.push_back(std::move(b));
}

void Document::list(std::vector<std::string> items, bool ordered)
{
  Block b;
  b.kind = ordered ? Block::Kind::ordered_list : Block::Kind::list;
  b.items = std::move(items);
  m_blocks.push_back(std::move(b));
}

void Document::table(std::vector<std::string> header, std::vector<std::vector<std::string>> rows)
{
  Block b;
  b.kind = Block::Kind::table;
  b.items = std::move(header);
  b.rows = std::move(rows);
  m_blocks.push_back(std::move(b));
}

void Document::code(std::string lang, std::string body)
{
  Block b;
  b.kind = Block::Kind::code;
  b.lang = std::move(lang);
  b.text = std::move(body);
  m_blocks.push_back(std::move(b));
}

void Document::write_markdown(std::ostream& out) const
{
  bool first = true;
  for (const auto& b : m_blocks) {
    if (!first) {
      out << "\n";
    }
    first = false;
    switch (b.kind) {
    case Block::Kind::heading: out << std::string(static_cast<std::size_t>(b.level), '#') << " " << b.text << "\n"; break;
    case Block::Kind::paragraph: out << b.text << "\n"; break;
    case Block::Kind::list:
    case Block::Kind::ordered_list: {
      int n = 1;
      for (const auto& item : b.items) {
        const std::string marker = b.kind == Block::Kind::list ? "- " : std::to_string(n++) + ". ";
        // Continuation lines of an item are indented under it.
        std::string indented;
        for (const char c : item) {
          indented.push_back(c);
          if (c == '\n') {
            indented += std::string(marker.size(), ' ');
          }
        }
        out << marker << indented << "\n";
      }
      break;
    }
    case Block::Kind::table: {
      out << "|";
      for (const auto& h : b.items) {
        out << " " << md_cell(h) << " |";
      }
      out << "\n|";
      for (std::size_t i = 0; i < b.items.size(); ++i) {
        out << " --- |";
      }
      out << "\n";
      for (const auto& row : b.rows) {
        out << "|";
        for (const auto& cell : row) {
          out << " " << md_cell(cell) << " |";
        }
        out << "\n";
      }
      break;
    }
    case Block::Kind::code: {
      std::string fence = "```";
      while (b.text.find(fence) != std::string::npos) {
        fence += "`";
      }
      out << fence << b.lang << "\n" << b.text;
      if (!b.text.empty() && b.text.back() != '\n') {
        out << "\n";
      }
      out << fence << "\n";
      break;
    }
    }
  }
}

void Document::write_html(std::ostream& out, const std::string& title) const
{
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>" << html_escape(title) << "</title>\n"
      << "<style>\n"
      << "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1f2328}\n"
      << "table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left;vertical-align:top}\n"
      << "th{background:#f6f8fa}code{background:#f6f8fa;padding:.1rem .3rem;border-radius:4px}\n"
      << "pre{background:#f6f8fa;padding:.8rem;overflow-x:auto;border-radius:6px}pre code{padding:0}\n"
      << "h2{border-bottom:1px solid #d0d7de;padding-bottom:.3rem}\n"
      << "</style>\n</head>\n<body>\n";
  for (const auto& b : m_blocks) {
    switch (b.kind) {
    case Block::Kind::heading: {
      const auto lvl = std::to_string(std::clamp(b.level, 1, 6));
      out << "<h" << lvl << ">" << inline_html(b.text) << "</h" << lvl << ">\n";
      break;
    }
    case Block::Kind::paragraph: out << "<p>" << inline_html(b.text) << "</p>\n"; break;
    case Block::Kind::list:
    case Block::Kind::ordered_list: {
      const char* tag = b.kind == Block::Kind::list ? "ul" : "ol";
      out << "<" << tag << ">\n";
      for (const auto& item : b.items) {
        std::string html = inline_html(item);
        std::string with_breaks;
        for (const char c : html) {
          with_breaks += c == '\n' ? std::string("<br>\n") : std::string(1, c);
        }
        out << "<li>" << with_breaks << "</li>\n";
      }
      out << "</" << tag << ">\n";
      break;
    }
    case Block::Kind::table:
      out << "<table>\n<thead><tr>";
      for (const auto& h : b.items) {
        out << "<th>" << inline_html(h) << "</th>";
      }
      out << "</tr></thead>\n<tbody>\n";
      for (const auto& row : b.rows) {
        out << "<tr>";
        for (const auto& cell : row) {
          out << "<td>" << inline_html(cell) << "</td>";
        }
        out << "</tr>\n";
      }
      out << "</tbody>\n</table>\n";
      break;
    case Block::Kind::code: out << "<pre><code>" << html_escape(b.text) << "</code></pre>\n"; break;
    }
  }
  out << "</body>\n</html>\n";
}

}  // namespace dsnguard::report
