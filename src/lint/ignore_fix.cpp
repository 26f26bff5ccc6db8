#include "lint/ignore_fix.hpp"

#include <algorithm>

#include "util/strings.hpp"

namespace dsnguard::lint {

std::vector<std::string> missing_ignore_lines(std::string_view content, const std::vector<std::string>& lines)
{
  std::vector<std::string_view> present;
  for (auto line : util::split(content, '\n')) {
    present.push_back(util::trim(line));
  }
  std::vector<std::string> out;
  for (const auto& l : lines) {
    const auto want = util::trim(l);
    if (want.empty()) {
      continue;
    }
    const bool have = std::find(present.begin(), present.end(), want) != present.end()
                      || std::find(out.begin(), out.end(), want) != out.end();
    if (!have) {
      out.emplace_back(want);
    }
  }
  return out;
}

std::string append_ignore_lines(std::string_view content, const std::vector<std::string>& lines)
{
  const auto missing = missing_ignore_lines(content, lines);
  std::string out(content);
  if (missing.empty()) {
    return out;
  }
  // CRLF when most line breaks of the file are CRLF.
  std::size_t lf = 0;
  std::size_t crlf = 0;
  for (std::size_t i = 0; i < content.size(); ++i) {
    if (content[i] == '\n') {
      ++lf;
      if (i > 0 && content[i - 1] == '\r') {
        ++crlf;
      }
    }
  }
  const std::string eol = crlf > 0 && crlf * 2 >= lf ? "\r\n" : "\n";
  if (!out.empty() && out.back() != '\n') {
    out += eol;
  }
  out += "# dsnguard: keep environment files out of git" + eol;
  for (const auto& l : missing) {
    out += l + eol;
  }
  return out;
}

}  // namespace dsnguard::lint
