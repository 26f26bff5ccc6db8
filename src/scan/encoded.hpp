#pragma once
// Values a manifest stores encoded, decoded so the rules can see the connection strings inside: the `data:` map of
// a Kubernetes Secret holds base64 (`DATABASE_URL: cG9zdGdyZXM6Ly9...`), which no keyword or regex would match.
// Internal to scan/.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace dsnguard::scan {

struct EncodedValue {
  std::size_t offset = 0;  // the encoded token in the fragment
  std::size_t length = 0;
  std::string decoded;     // printable text (a value that decodes to binary data is left out)
};

// When `bytes` is a Kubernetes Secret manifest (a `kind: Secret` line, YAML or JSON), its single-line base64
// values of at least 12 characters (`KEY: <base64>`, `"KEY": "<base64>",`), decoded, in file order. Otherwise none.
std::vector<EncodedValue> kubernetes_secret_values(std::string_view bytes);

// Whether a file at `path` can hold a Kubernetes manifest: .yaml, .yml or .json (any case).
bool may_hold_manifest(std::string_view path);

// Standard base64 (RFC 4648 section 4, padding optional) of `text`; nothing when it is not exactly that.
bool decode_base64(std::string_view text, std::string& out);

}  // namespace dsnguard::scan
