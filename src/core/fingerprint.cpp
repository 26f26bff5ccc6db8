#include "core/fingerprint.hpp"

#include "util/sha256.hpp"

namespace dsnguard::core {

std::string secret_hash(std::string_view secret_key)
{
  return util::sha256_hex(secret_key);
}

std::string fingerprint(std::string_view rule_id, std::string_view path, std::string_view secret_key)
{
  std::string material;
  material.reserve(rule_id.size() + path.size() + 80);
  material.append(k_fingerprint_version);
  material.push_back('\0');
  material.append(rule_id);
  material.push_back('\0');
  material.append(path);
  material.push_back('\0');
  material.append(secret_hash(secret_key));
  std::string out(k_fingerprint_version);
  out.push_back(':');
  out.append(util::sha256_hex(material).substr(0, 32));
  return out;
}

}  // namespace dsnguard::core
