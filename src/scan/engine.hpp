#pragma once
// scan/: compiles rules (the only user of RE2), prefilters fragments by keyword, turns matches into
// Findings with Locations, judged by dsn/ (placeholders dropped, confidence set). Thread-safe after compile.

#include <atomic>
#include <memory>
#include <vector>

#include "core/error.hpp"
#include "core/types.hpp"

namespace dsnguard::scan {

class Engine {
public:
  // Compiles `rules`. Error (config) names the rule file, the rule id and the RE2 error.
  static core::Expected<Engine> compile(std::vector<core::Rule> rules);

  // Findings in one fragment: content rules on the bytes plus path rules (env files) on origin.path.
  // Findings are raw (unredacted) and carry confidence, fingerprint, message and fix. Placeholder,
  // interpolated and documentation-only credentials are not returned. Honors fragment.added_lines.
  // Safe to call from several threads at once.
  std::vector<core::Finding> scan(const core::Fragment& fragment) const;

  // Path rules only (tracked .env files), for sources that know a path without reading its bytes.
  std::vector<core::Finding> scan_path(const core::Origin& origin) const;

  const std::vector<core::Rule>& rules() const;

  // Builds the keyword prefilter's SIMD masks and every rule's regexes now instead of on first use, returning
  // early once `stop` is set. For a caller with an idle core while its source lists files: the scan threads then
  // find them built. Thread-safe with scan.
  void prepare(const std::atomic<bool>& stop) const;

private:
  struct Impl;
  // Content rules on fragment.bytes only. With `split_urls`, also the starts of URLs that keyword hits show split
  // across joined string literals (joined.hpp).
  std::vector<core::Finding> scan_content(const core::Fragment& fragment,
                                          std::vector<std::size_t>* split_urls = nullptr) const;
  // Content rules on the URLs at `starts` joined with the literals concatenated to them, located at the first
  // piece.
  void scan_joined(const core::Fragment& fragment, const std::vector<std::size_t>& starts,
                   std::vector<core::Finding>& findings) const;
  // Content rules on the values the fragment stores encoded (encoded.hpp), located at the encoded token.
  void scan_encoded(const core::Fragment& fragment, std::vector<core::Finding>& findings) const;
  explicit Engine(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> m_impl;
};

}  // namespace dsnguard::scan
