#pragma once
// Fingerprints: a stable, content-keyed id for a finding. Versioned; no line numbers (so baselines survive
// edits) and no plaintext (a SHA-256 of the secret is mixed in, never the secret itself).

#include <string>
#include <string_view>

namespace dsnguard::core {

inline constexpr std::string_view k_fingerprint_version = "v1";

// "v1:" followed by 32 hex characters of SHA-256(version, rule id, path, SHA-256(secret_key)).
// `secret_key` is the normalised secret (for connection strings: the decoded password plus the user and host
// it unlocks, see dsn::secret_key). Two findings with equal rule, path and secret_key share a fingerprint.
std::string fingerprint(std::string_view rule_id, std::string_view path, std::string_view secret_key);

// Hex SHA-256 of `secret_key` alone: groups the same secret across paths (history dedupe).
std::string secret_hash(std::string_view secret_key);

}  // namespace dsnguard::core
