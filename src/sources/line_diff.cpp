#include "sources/line_diff.hpp"

#include <unordered_map>

namespace dsnguard::sources {

namespace {

template <typename F> void for_each_line(std::string_view text, F&& f)
{
  std::size_t start = 0;
  while (start < text.size()) {
    auto nl = text.find('\n', start);
    if (nl == std::string_view::npos) {
      nl = text.size();
    }
    std::string_view line = text.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    f(line);
    start = nl + 1;
  }
}

}  // namespace

std::vector<core::LineRange> added_lines(std::string_view before, std::string_view now)
{
  std::unordered_map<std::string_view, std::uint32_t> old_lines;
  for_each_line(before, [&](std::string_view line) { ++old_lines[line]; });
  std::vector<core::LineRange> out;
  std::uint32_t number = 0;
  for_each_line(now, [&](std::string_view line) {
    ++number;
    const auto it = old_lines.find(line);
    if (it != old_lines.end() && it->second > 0) {
      --it->second;
      return;
    }
    if (!out.empty() && out.back().last + 1 == number) {
      out.back().last = number;
    } else {
      out.push_back({number, number});
    }
  });
  return out;
}

}  // namespace dsnguard::sources
