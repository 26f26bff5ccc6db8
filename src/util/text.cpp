#include "util/text.hpp"

#include <cstdint>

namespace dsnguard::util {

namespace {

void append_utf8(std::string& out, std::uint32_t cp)
{
  if (cp < 0x80) {
    out.push_back(char(cp));
  } else if (cp < 0x800) {
    out.push_back(char(0xC0 | (cp >> 6)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(char(0xE0 | (cp >> 12)));
    out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(char(0xF0 | (cp >> 18)));
    out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  }
}

}  // namespace

bool transcode_utf16_with_bom(std::string& data)
{
  if (data.size() < 2) {
    return false;
  }
  const auto b0 = static_cast<unsigned char>(data[0]);
  const auto b1 = static_cast<unsigned char>(data[1]);
  bool little = false;
  if (b0 == 0xFF && b1 == 0xFE) {
    little = true;
  } else if (b0 == 0xFE && b1 == 0xFF) {
    little = false;
  } else {
    return false;
  }
  const auto unit = [&](std::size_t i) -> std::uint32_t {
    const auto lo = static_cast<unsigned char>(data[little ? i : i + 1]);
    const auto hi = static_cast<unsigned char>(data[little ? i + 1 : i]);
    return (std::uint32_t(hi) << 8) | lo;
  };
  std::string out;
  out.reserve(data.size() / 2 + 16);
  std::size_t i = 2;
  for (; i + 1 < data.size(); i += 2) {
    std::uint32_t cp = unit(i);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (i + 3 < data.size()) {
        const std::uint32_t low = unit(i + 2);
        if (low >= 0xDC00 && low <= 0xDFFF) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          i += 2;
        } else {
          cp = 0xFFFD;
        }
      } else {
        cp = 0xFFFD;
      }
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      cp = 0xFFFD;
    }
    append_utf8(out, cp);
  }
  if (i < data.size()) {
    append_utf8(out, 0xFFFD);  // odd trailing byte
  }
  data = std::move(out);
  return true;
}

bool has_utf16_bom(const char* data, std::size_t size)
{
  if (size < 2) {
    return false;
  }
  const auto b0 = static_cast<unsigned char>(data[0]);
  const auto b1 = static_cast<unsigned char>(data[1]);
  return (b0 == 0xFF && b1 == 0xFE) || (b0 == 0xFE && b1 == 0xFF);
}

bool utf8_view_of_utf16(const char*& data, std::size_t& size, std::string& storage)
{
  if (!has_utf16_bom(data, size)) {
    return false;
  }
  storage.assign(data, size);
  transcode_utf16_with_bom(storage);
  data = storage.data();
  size = storage.size();
  return true;
}

}  // namespace dsnguard::util
