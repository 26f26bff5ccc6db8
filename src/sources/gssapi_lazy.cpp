// GSSAPI, loaded on first use, for the static libgit2 only (DSNGUARD_STATIC_LIBGIT2). libgit2 calls GSSAPI for
// HTTP "Negotiate" authentication, which a scan never does (it reads local repositories), yet linking
// libgssapi_krb5 made the loader map it and the six Kerberos libraries it needs (krb5, k5crypto, com_err,
// krb5support, keyutils, resolv) at every start. These definitions of the GSSAPI functions libgit2 uses
// dlopen() libgssapi_krb5.so.2 the first time one is called and forward to it; without the library each fails
// with GSS_S_FAILURE, which libgit2 reports as a failed authentication.
// Debian ships no GSSAPI headers with libgit2-dev (they are in libkrb5-dev), so the types are spelled here from
// the C bindings of RFC 2744, which every implementation follows: OM_uint32 is a 32-bit unsigned integer and
// every other parameter a pointer (to an opaque or a documented structure).
#if DSNGUARD_STATIC_LIBGIT2

#include <cstdint>

#include "util/lazy_library.hpp"

namespace {

constinit dsnguard::util::LazyLibrary g_gssapi("libgssapi_krb5.so.2");

using OM_uint32 = std::uint32_t;
constexpr OM_uint32 k_failure = OM_uint32{13} << 16;  // GSS_S_FAILURE

struct gss_OID_desc {
  OM_uint32 length;
  void* elements;
};

// 1.2.840.113554.1.2.1.4, the host-based service name type (RFC 2744 section 4).
char k_hostbased_oid[] = "\x2a\x86\x48\x86\xf7\x12\x01\x02\x01\x04";
gss_OID_desc k_hostbased{10, k_hostbased_oid};

}  // namespace

extern "C" {

// The name type libgit2 passes to gss_import_name. The library's own object replaces it there (an
// implementation may compare name types by address before it compares their bytes).
gss_OID_desc* GSS_C_NT_HOSTBASED_SERVICE = &k_hostbased;

}  // extern "C"

// Each forwarder resolves its symbol once (thread-safe static); without the library it sets *minor to 0 and
// returns GSS_S_FAILURE.
#define DSNGUARD_GSS_FORWARD(name, params, args)                                                                   \
  extern "C" OM_uint32 name params                                                                                 \
  {                                                                                                                \
    using Fn = OM_uint32(*) params;                                                                                \
    static const auto fn = reinterpret_cast<Fn>(g_gssapi.symbol(#name));                                            \
    if (fn == nullptr) {                                                                                           \
      if (minor != nullptr) {                                                                                      \
        *minor = 0;                                                                                                \
      }                                                                                                            \
      return k_failure;                                                                                            \
    }                                                                                                              \
    return fn args;                                                                                                \
  }

DSNGUARD_GSS_FORWARD(gss_delete_sec_context, (OM_uint32 * minor, void** context, void* output_token),
                     (minor, context, output_token))
DSNGUARD_GSS_FORWARD(gss_display_status,
                     (OM_uint32 * minor, OM_uint32 status, int status_type, gss_OID_desc* mech,
                      OM_uint32* message_context, void* status_string),
                     (minor, status, status_type, mech, message_context, status_string))
DSNGUARD_GSS_FORWARD(gss_indicate_mechs, (OM_uint32 * minor, void** mech_set), (minor, mech_set))
DSNGUARD_GSS_FORWARD(gss_init_sec_context,
                     (OM_uint32 * minor, void* claimant_cred, void** context, void* target_name, gss_OID_desc* mech,
                      OM_uint32 req_flags, OM_uint32 time_req, void* channel_bindings, void* input_token,
                      gss_OID_desc** actual_mech, void* output_token, OM_uint32* ret_flags, OM_uint32* time_rec),
                     (minor, claimant_cred, context, target_name, mech, req_flags, time_req, channel_bindings,
                      input_token, actual_mech, output_token, ret_flags, time_rec))
DSNGUARD_GSS_FORWARD(gss_release_buffer, (OM_uint32 * minor, void* buffer), (minor, buffer))
DSNGUARD_GSS_FORWARD(gss_release_name, (OM_uint32 * minor, void** name), (minor, name))
DSNGUARD_GSS_FORWARD(gss_release_oid_set, (OM_uint32 * minor, void** set), (minor, set))

extern "C" OM_uint32 gss_import_name(OM_uint32* minor, void* input_name, gss_OID_desc* name_type, void** output_name)
{
  using Fn = OM_uint32 (*)(OM_uint32*, void*, gss_OID_desc*, void**);
  static const auto fn = reinterpret_cast<Fn>(g_gssapi.symbol("gss_import_name"));
  if (fn == nullptr) {
    if (minor != nullptr) {
      *minor = 0;
    }
    return k_failure;
  }
  if (name_type == &k_hostbased) {
    if (auto* const* own = static_cast<gss_OID_desc* const*>(g_gssapi.symbol("GSS_C_NT_HOSTBASED_SERVICE"))) {
      name_type = *own;
    }
  }
  return fn(minor, input_name, name_type, output_name);
}

#endif  // DSNGUARD_STATIC_LIBGIT2
