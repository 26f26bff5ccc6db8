#pragma once
// The text edit behind `dsnguard lint --fix`: appending ignore lines to a .gitignore.

#include <string>
#include <string_view>
#include <vector>

namespace dsnguard::lint {

// Returns `content` with every line of `lines` that is not already present (compared after trimming
// whitespace) appended, preceded by a "# dsnguard" comment. Preserves the file's line ending (CRLF when the
// file uses CRLF, else LF) and adds the missing final newline before appending. Idempotent: when nothing is
// missing, returns `content` unchanged (byte for byte).
std::string append_ignore_lines(std::string_view content, const std::vector<std::string>& lines);

// The lines of `lines` that append_ignore_lines would add to `content`.
std::vector<std::string> missing_ignore_lines(std::string_view content, const std::vector<std::string>& lines);

}  // namespace dsnguard::lint
