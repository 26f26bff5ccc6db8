#include "core/verify_report.hpp"

namespace dsnguard::core {

std::string_view to_string(TriageClass c)
{
  switch (c) {
  case TriageClass::ok: return "ok";
  case TriageClass::bad_url: return "bad-url";
  case TriageClass::internal: return "internal";
  case TriageClass::auth_failed: return "auth-failed";
  case TriageClass::unreachable: return "unreachable";
  case TriageClass::tls_required: return "tls-required";
  case TriageClass::certificate: return "certificate";
  case TriageClass::database_missing: return "database-missing";
  case TriageClass::too_many_connections: return "too-many-connections";
  case TriageClass::connection_closed: return "connection-closed";
  case TriageClass::not_ready: return "not-ready";
  case TriageClass::server_error: return "server-error";
  }
  return "internal";
}

}  // namespace dsnguard::core
