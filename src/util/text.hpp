#pragma once
// Text encodings seen in repositories. Project-agnostic.

#include <string>

namespace dsnguard::util {

// When `data` starts with a UTF-16 byte-order mark (FF FE or FE FF), replaces it with its UTF-8 transcoding
// (without the BOM; unpaired surrogates become U+FFFD) and returns true. Otherwise leaves it alone and returns
// false. Line structure is preserved, so line numbers stay right; columns count UTF-8 bytes afterwards.
bool transcode_utf16_with_bom(std::string& data);

}  // namespace dsnguard::util
