#pragma once
// Best-effort attribution of git ignore decisions: parses .gitignore / info/exclude / excludes files and
// finds the pattern that decides a path, so lint can name file, line and pattern. libgit2 stays the
// authority on WHETHER a path is ignored; this only explains WHY. Internal to sources/.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dsnguard::sources {

// One pattern line of an ignore file.
struct IgnorePattern {
  std::string text;     // the line as written (trailing spaces trimmed), e.g. "!.env.example"
  std::string glob;     // the pattern proper: no '!', no leading '/', no trailing '/'
  std::uint32_t line = 0;
  bool negated = false;
  bool dir_only = false;  // written with a trailing '/'
  bool anchored = false;  // contains a '/' before its end: matched against the path relative to the file's dir
};

// The patterns of one ignore file, with the directory they apply to ("" = repository root).
struct IgnoreFile {
  std::string path;  // as reported: ".gitignore", "sub/.gitignore", ".git/info/exclude", "~/.config/git/ignore"
  std::string base;  // repo-relative directory the patterns are relative to, "" or "sub/dir"
  std::vector<IgnorePattern> patterns;
};

// Parses ignore-file text with git's rules (comments, escapes, trailing-space trimming, '!' negation).
std::vector<IgnorePattern> parse_ignore_text(std::string_view text);

// Git's wildmatch with pathname semantics: '*' and '?' never match '/', "**" as a whole component matches any
// number of directories, [..] classes with '!'/'^' negation and ranges, '\' escapes.
bool wildmatch(std::string_view pattern, std::string_view text);

// The last pattern of `file` that matches `path` (repo-relative), or nullptr. `is_dir` says whether `path`
// names a directory (dir-only patterns match only directories).
const IgnorePattern* last_match(const IgnoreFile& file, std::string_view path, bool is_dir);

}  // namespace dsnguard::sources
