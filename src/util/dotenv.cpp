#include "util/dotenv.hpp"

#include <cctype>

namespace dsnguard::util {

namespace {

bool is_key_char(char c)
{
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}

class Parser {
public:
  Parser(std::string_view text, const DotenvLookup& lookup) : m_text(text), m_lookup(lookup) {}

  std::vector<DotenvEntry> run()
  {
    while (m_pos < m_text.size()) {
      parse_line();
    }
    return std::move(m_entries);
  }

private:
  char peek() const { return m_pos < m_text.size() ? m_text[m_pos] : '\0'; }
  bool at_end() const { return m_pos >= m_text.size(); }

  void skip_blanks()
  {
    while (!at_end() && (peek() == ' ' || peek() == '\t')) {
      ++m_pos;
    }
  }

  void skip_to_next_line()
  {
    while (!at_end() && peek() != '\n') {
      ++m_pos;
    }
    if (!at_end()) {
      ++m_pos;
      ++m_line;
    }
  }

  std::optional<std::string> lookup(const std::string& name) const
  {
    for (auto it = m_entries.rbegin(); it != m_entries.rend(); ++it) {
      if (it->key == name) {
        return it->value;
      }
    }
    if (m_lookup) {
      return m_lookup(name);
    }
    return std::nullopt;
  }

  // Expands ${VAR}, ${VAR:-default}, ${VAR-default} and $VAR in `s`.
  std::string expand(std::string_view s) const
  {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == '$') {
        out.push_back('$');
        ++i;
        continue;
      }
      if (s[i] != '$' || i + 1 >= s.size()) {
        out.push_back(s[i]);
        continue;
      }
      if (s[i + 1] == '{') {
        const auto close = s.find('}', i + 2);
        if (close == std::string_view::npos) {
          out.push_back(s[i]);
          continue;
        }
        std::string_view inner = s.substr(i + 2, close - i - 2);
        std::string_view fallback;
        bool has_fallback = false;
        if (const auto op = inner.find(":-"); op != std::string_view::npos) {
          fallback = inner.substr(op + 2);
          inner = inner.substr(0, op);
          has_fallback = true;
        } else if (const auto dash = inner.find('-'); dash != std::string_view::npos) {
          fallback = inner.substr(dash + 1);
          inner = inner.substr(0, dash);
          has_fallback = true;
        }
        const auto value = lookup(std::string(inner));
        if (value && !value->empty()) {
          out += *value;
        } else if (has_fallback) {
          out += expand(fallback);
        }
        i = close;
        continue;
      }
      std::size_t j = i + 1;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) {
        ++j;
      }
      if (j == i + 1) {
        out.push_back('$');
        continue;
      }
      out += lookup(std::string(s.substr(i + 1, j - i - 1))).value_or("");
      i = j - 1;
    }
    return out;
  }

  void parse_line()
  {
    skip_blanks();
    if (at_end()) {
      return;
    }
    if (peek() == '#' || peek() == '\n' || peek() == '\r') {
      skip_to_next_line();
      return;
    }
    if (m_text.substr(m_pos, 7) == "export " || m_text.substr(m_pos, 7) == "export\t") {
      m_pos += 7;
      skip_blanks();
    }
    const std::size_t key_start = m_pos;
    while (!at_end() && is_key_char(peek())) {
      ++m_pos;
    }
    std::string key(m_text.substr(key_start, m_pos - key_start));
    skip_blanks();
    if (key.empty() || peek() != '=') {
      skip_to_next_line();
      return;
    }
    ++m_pos;
    skip_blanks();
    DotenvEntry entry;
    entry.key = std::move(key);
    entry.line = m_line;
    if (peek() == '\'') {
      ++m_pos;
      const auto close = m_text.find('\'', m_pos);
      const auto end = close == std::string_view::npos ? m_text.size() : close;
      entry.value = std::string(m_text.substr(m_pos, end - m_pos));
      count_lines(m_pos, end);
      m_pos = end == m_text.size() ? end : end + 1;
    } else if (peek() == '"') {
      ++m_pos;
      std::string raw;
      while (!at_end() && peek() != '"') {
        char c = m_text[m_pos++];
        if (c == '\n') {
          ++m_line;
        }
        if (c == '\\' && !at_end()) {
          const char n = m_text[m_pos++];
          switch (n) {
          case 'n': raw += '\n'; break;
          case 't': raw += '\t'; break;
          case 'r': raw += '\r'; break;
          case '$': raw += "\\$"; break;  // kept escaped for expand()
          default: raw += n; break;
          }
          continue;
        }
        raw += c;
      }
      if (!at_end()) {
        ++m_pos;  // closing quote
      }
      entry.value = expand(raw);
    } else {
      const std::size_t start = m_pos;
      while (!at_end() && peek() != '\n') {
        ++m_pos;
      }
      std::string_view raw = m_text.substr(start, m_pos - start);
      // An unquoted value ends at " #" (an inline comment).
      for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '#' && i > 0 && (raw[i - 1] == ' ' || raw[i - 1] == '\t')) {
          raw = raw.substr(0, i);
          break;
        }
      }
      while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t' || raw.back() == '\r')) {
        raw.remove_suffix(1);
      }
      entry.value = expand(raw);
    }
    m_entries.push_back(std::move(entry));
    skip_to_next_line();
  }

  void count_lines(std::size_t from, std::size_t to)
  {
    for (std::size_t i = from; i < to; ++i) {
      if (m_text[i] == '\n') {
        ++m_line;
      }
    }
  }

  std::string_view m_text;
  const DotenvLookup& m_lookup;
  std::size_t m_pos = 0;
  std::size_t m_line = 1;
  std::vector<DotenvEntry> m_entries;
};

}  // namespace

std::vector<DotenvEntry> parse_dotenv(std::string_view text, const DotenvLookup& lookup)
{
  return Parser(text, lookup).run();
}

const DotenvEntry* find_dotenv(const std::vector<DotenvEntry>& entries, std::string_view key)
{
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    if (it->key == key) {
      return &*it;
    }
  }
  return nullptr;
}

}  // namespace dsnguard::util
