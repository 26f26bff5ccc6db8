#include "scan/joined.hpp"

#include "util/strings.hpp"

namespace dsnguard::scan {

namespace {

constexpr std::size_t k_max_pieces = 16;
constexpr std::size_t k_max_text = 2048;
constexpr std::size_t k_max_gap = 256;  // whitespace and a joiner between two pieces

bool is_name_start(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}

bool is_name_char(char c)
{
  return is_name_start(c) || (c >= '0' && c <= '9') || c == '.';
}

bool is_digit(char c)
{
  return c >= '0' && c <= '9';
}

// The position of the quote closing a literal opened by `quote` just before `from`, on the same line; npos when the
// line ends first. A backslash escapes the next character.
std::size_t closing_quote(std::string_view bytes, std::size_t from, char quote)
{
  for (std::size_t i = from; i < bytes.size(); ++i) {
    const char c = bytes[i];
    if (c == '\n') {
      return std::string_view::npos;
    }
    if (c == '\\') {
      ++i;
    } else if (c == quote) {
      return i;
    }
  }
  return std::string_view::npos;
}

// Appends the literal's content, undoing the escapes of its quote and of the backslash.
void append_content(std::string& out, std::string_view content, char quote)
{
  for (std::size_t i = 0; i < content.size(); ++i) {
    if (content[i] == '\\' && i + 1 < content.size() && (content[i + 1] == quote || content[i + 1] == '\\')) {
      ++i;
    }
    out.push_back(content[i]);
  }
}

// Skips spaces, tabs, line breaks and backslash line continuations from `i`; false past k_max_gap bytes.
bool skip_space(std::string_view bytes, std::size_t& i, std::size_t limit)
{
  while (i < bytes.size()) {
    const char c = bytes[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
    } else if (c == '\\' && i + 1 < bytes.size() && (bytes[i + 1] == '\n' || bytes[i + 1] == '\r')) {
      i += 2;
    } else {
      break;
    }
    if (i > limit) {
      return false;
    }
  }
  return true;
}

// A literal at `i`, with an optional prefix (Python r/b/u/f, C# $/@): the position of its opening quote.
std::optional<std::size_t> literal_at(std::string_view bytes, std::size_t i)
{
  for (std::size_t k = 0; k < 3 && i + k < bytes.size(); ++k) {
    const char c = bytes[i + k];
    if (util::is_quote(c)) {
      return i + k;
    }
    if (std::string_view("rRbBuUfF$@").find(c) == std::string_view::npos) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::size_t> split_url_start(std::string_view bytes, std::size_t offset)
{
  // "://" a few bytes after the hit, on its line, with only scheme characters (and jdbc's ':') before it.
  std::size_t sep = std::string_view::npos;
  for (std::size_t i = offset; i + 3 <= bytes.size() && i < offset + 48; ++i) {
    const char c = bytes[i];
    if (c == ':' && bytes[i + 1] == '/' && bytes[i + 2] == '/') {
      sep = i;
      break;
    }
    if (!util::is_url_scheme_char(c) && c != ':') {
      return std::nullopt;
    }
  }
  if (sep == std::string_view::npos || sep == offset) {
    return std::nullopt;
  }
  std::size_t begin = offset;
  while (begin > 0 && offset - begin < 32 && (util::is_url_scheme_char(bytes[begin - 1]) || bytes[begin - 1] == ':')) {
    --begin;
  }
  if (begin == 0 || !util::is_quote(bytes[begin - 1])) {
    return std::nullopt;
  }
  const char quote = bytes[begin - 1];
  const std::size_t close = closing_quote(bytes, sep + 3, quote);
  if (close == std::string_view::npos || bytes.substr(sep + 3, close - sep - 3).find('@') != std::string_view::npos) {
    return std::nullopt;  // runs past the line (not ours), or complete enough for the rules as it is
  }
  return begin;
}

std::optional<JoinedLiteral> join_literals(std::string_view bytes, std::size_t start)
{
  if (start == 0 || start > bytes.size() || !util::is_quote(bytes[start - 1])) {
    return std::nullopt;
  }
  JoinedLiteral out;
  out.offset = start;
  char quote = bytes[start - 1];
  std::size_t close = closing_quote(bytes, start, quote);
  if (close == std::string_view::npos) {
    return std::nullopt;
  }
  append_content(out.text, bytes.substr(start, close - start), quote);
  std::size_t end = close;  // of the last piece's content
  std::size_t pieces = 1;
  std::size_t i = close + 1;
  while (pieces < k_max_pieces && out.text.size() < k_max_text) {
    std::size_t j = i;
    if (!skip_space(bytes, j, i + k_max_gap) || j >= bytes.size()) {
      break;
    }
    bool joined = false;
    if (bytes[j] == '+' || (bytes[j] == '.' && j + 1 < bytes.size() && !is_name_char(bytes[j + 1]))) {
      joined = true;  // `+`, or PHP's `.` (not a member access: `"x".length`)
      ++j;
      if (!skip_space(bytes, j, i + k_max_gap) || j >= bytes.size()) {
        break;
      }
    }
    if (const auto open = literal_at(bytes, j)) {
      quote = bytes[*open];
      close = closing_quote(bytes, *open + 1, quote);
      if (close == std::string_view::npos) {
        break;
      }
      append_content(out.text, bytes.substr(*open + 1, close - *open - 1), quote);
      end = close;
      i = close + 1;
    } else if (joined && is_name_start(bytes[j])) {
      // A value the scanner cannot see (a variable, a constant, a call): an interpolation for the judgement.
      std::size_t k = j;
      while (k < bytes.size() && is_name_char(bytes[k])) {
        ++k;
      }
      std::string name(bytes.substr(j, k - j));
      if (k < bytes.size() && (bytes[k] == '(' || bytes[k] == '[')) {
        int depth = 0;
        for (; k < bytes.size() && k < j + k_max_gap && bytes[k] != '\n'; ++k) {
          depth += bytes[k] == '(' || bytes[k] == '[' ? 1 : bytes[k] == ')' || bytes[k] == ']' ? -1 : 0;
          if (depth == 0) {
            ++k;
            break;
          }
        }
        if (depth != 0) {
          break;
        }
      }
      out.text += "${" + name + "}";
      end = k;
      i = k;
    } else if (joined && is_digit(bytes[j])) {
      std::size_t k = j;
      while (k < bytes.size() && is_digit(bytes[k])) {
        ++k;
      }
      out.text.append(bytes.substr(j, k - j));
      end = k;
      i = k;
    } else {
      break;
    }
    ++pieces;
  }
  const std::size_t sep = out.text.find("://");
  if (pieces < 2 || sep == std::string::npos || out.text.find('@', sep + 3) == std::string::npos) {
    return std::nullopt;
  }
  out.length = end - start;
  return out;
}

}  // namespace dsnguard::scan
