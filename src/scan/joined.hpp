#pragma once
// Connection URLs split across string literals that the language joins: `"postgresql://app:" "s3cret@db/app"`
// (Python, C, C++: adjacent literals), `"postgres://app:" + "s3cret@db/app"` (JavaScript, Java, C#, Go, Ruby,
// Python), `'pgsql://app:' . 's3cret@db'` (PHP), over several lines too. No rule matches either piece alone, so
// the pieces are joined and the rules run on the joined text. A name between pieces (`+ HOST +`) is a value the
// scanner cannot see: it becomes `${HOST}`, which the judgement treats like any other interpolation (a literal
// password with a variable host is still a leak; a variable password is not). Internal to scan/.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace dsnguard::scan {

struct JoinedLiteral {
  std::size_t offset = 0;  // the first piece's first content byte (the URL's scheme) in the fragment
  std::size_t length = 0;  // up to the end of the last piece's content
  std::string text;        // the pieces' contents joined
};

// Where a URL scheme that `bytes` has near `offset` (a keyword hit: the scheme's name, or `jdbc:` before it)
// begins, when it opens a quoted literal that ends on the same line before any '@' after its "://": the first
// piece of a split URL. Nothing otherwise (most URLs: complete in one literal, or not quoted).
std::optional<std::size_t> split_url_start(std::string_view bytes, std::size_t offset);

// The literal that opens at `start` (a split_url_start) joined with the literals and names concatenated to it
// (at most 16 pieces and 2 KiB). Nothing when nothing is joined to it or the joined text has no '@' after "://"
// (no userinfo: no credential to find).
std::optional<JoinedLiteral> join_literals(std::string_view bytes, std::size_t start);

}  // namespace dsnguard::scan
