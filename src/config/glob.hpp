#pragma once
// Path globs for the repository config's allow-paths (internal to config/, exposed for tests).
//
// Syntax (gitignore-like, matched against repo-relative paths with '/' separators):
//   *      any run of characters except '/'
//   **     any run of characters including '/' (as a whole segment: "a/**/b", "**/x", "dir/**")
//   ?      one character except '/'
//   [abc] [a-z] [!x]  one character from (or not from) the set, never '/'
//   \x     a literal x
// A pattern without '/' matches the last path component at any depth ("*.pem", ".env.example").
// A pattern ending in '/' matches everything under that directory ("tests/fixtures/").
// Any pattern containing '/' is relative to the repository root.
// A leading '/' anchors explicitly (same as any pattern containing '/').

#include <string_view>

namespace dsnguard::config {

// True when repo-relative `path` matches `pattern` (see the syntax above). Never fails: a malformed class
// ("[a-") is matched literally.
bool glob_match(std::string_view pattern, std::string_view path);

}  // namespace dsnguard::config
