#pragma once
// Internal to sources/: which lines of a new blob were not in the old one. A multiset comparison of lines: a
// line counts as added when the old text has fewer copies of it. Unlike a positional diff it does not flag lines
// that merely moved, and it needs no repository (libgit2's blob patch opens the index to read attributes:
// half of a pre-commit hook's time on a 50k-file repository).

#include <string_view>
#include <vector>

#include "core/types.hpp"

namespace dsnguard::sources {

// 1-based, inclusive, merged ranges of lines of `now` that `before` does not account for.
std::vector<core::LineRange> added_lines(std::string_view before, std::string_view now);

}  // namespace dsnguard::sources
