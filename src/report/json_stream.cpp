#include "report/json_stream.hpp"

namespace dsnguard::report::json_stream {

namespace {

constexpr auto k_replace = nlohmann::json::error_handler_t::replace;

std::string pad_of(int depth)
{
  return std::string(static_cast<std::size_t>(2 * depth), ' ');
}

}  // namespace

void put(std::ostream& out, const nlohmann::json& value, int depth)
{
  // The lines after the first get 2 * depth more spaces (strings hold no raw newline: dump escapes them).
  const std::string text = value.dump(2, ' ', false, k_replace);
  const std::string pad = pad_of(depth);
  std::size_t from = 0;
  for (std::size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', from)) {
    out.write(text.data() + from, static_cast<std::streamsize>(nl + 1 - from));
    out << pad;
    from = nl + 1;
  }
  out.write(text.data() + from, static_cast<std::streamsize>(text.size() - from));
}

void put_array(std::ostream& out, std::size_t count, int depth,
               const std::function<void(std::size_t index, int depth)>& item)
{
  if (count == 0) {
    out << "[]";
    return;
  }
  const std::string pad = pad_of(depth);
  out << '[';
  for (std::size_t i = 0; i < count; ++i) {
    out << (i == 0 ? "\n" : ",\n") << pad << "  ";
    item(i, depth + 1);
  }
  out << '\n' << pad << ']';
}

void put_object(std::ostream& out, const nlohmann::json& head, int depth,
                const std::function<bool(const std::string& key, int depth)>& stream)
{
  if (head.empty()) {
    out << "{}";
    return;
  }
  const std::string pad = pad_of(depth);
  out << '{';
  bool first = true;
  for (auto it = head.begin(); it != head.end(); ++it) {
    out << (first ? "\n" : ",\n") << pad << "  " << nlohmann::json(it.key()).dump(-1, ' ', false, k_replace)
        << ": ";
    first = false;
    if (!stream(it.key(), depth + 1)) {
      put(out, it.value(), depth + 1);
    }
  }
  out << '\n' << pad << '}';
}

}  // namespace dsnguard::report::json_stream
