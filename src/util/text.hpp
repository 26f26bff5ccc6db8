#pragma once
// Text encodings seen in repositories. Project-agnostic.

#include <cstddef>
#include <string>

namespace dsnguard::util {

// When `data` starts with a UTF-16 byte-order mark (FF FE or FE FF), replaces it with its UTF-8 transcoding
// (without the BOM; unpaired surrogates become U+FFFD) and returns true. Otherwise leaves it alone and returns
// false. Line structure is preserved, so line numbers stay right; columns count UTF-8 bytes afterwards.
bool transcode_utf16_with_bom(std::string& data);

// True when the bytes start with a UTF-16 byte-order mark.
bool has_utf16_bom(const char* data, std::size_t size);

// For readers that hold a view of bytes: when `data` is UTF-16 with a BOM, transcodes it into `storage` and
// repoints `data`/`size` at the UTF-8 text (so a UTF-16 .env is scanned, not skipped as binary for its NULs).
// Returns true when it did.
bool utf8_view_of_utf16(const char*& data, std::size_t& size, std::string& storage);

}  // namespace dsnguard::util
