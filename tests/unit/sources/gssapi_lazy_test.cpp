// The GSSAPI forwarders of the static libgit2 build (src/sources/gssapi_lazy.cpp): they load libgssapi_krb5 on
// first use and hand the calls to it, including the host-based name type libgit2 passes to gss_import_name.
#include <gtest/gtest.h>

#if DSNGUARD_STATIC_LIBGIT2

#include <dlfcn.h>

#include <cstdint>
#include <cstring>
#include <string>

namespace {

using OM_uint32 = std::uint32_t;
struct OidDesc {
  OM_uint32 length;
  void* elements;
};
struct OidSet {
  std::size_t count;
  OidDesc* elements;
};
struct BufferDesc {
  std::size_t length;
  void* value;
};

}  // namespace

// The declarations libgit2 compiles against (RFC 2744), as gssapi_lazy.cpp defines them.
extern "C" {
extern OidDesc* GSS_C_NT_HOSTBASED_SERVICE;
OM_uint32 gss_indicate_mechs(OM_uint32* minor, OidSet** mech_set);
OM_uint32 gss_release_oid_set(OM_uint32* minor, OidSet** set);
OM_uint32 gss_import_name(OM_uint32* minor, BufferDesc* input_name, OidDesc* name_type, void** output_name);
OM_uint32 gss_release_name(OM_uint32* minor, void** name);
OM_uint32 gss_display_status(OM_uint32* minor, OM_uint32 status, int status_type, OidDesc* mech,
                             OM_uint32* message_context, BufferDesc* status_string);
OM_uint32 gss_release_buffer(OM_uint32* minor, BufferDesc* buffer);
}

namespace {

constexpr OM_uint32 k_complete = 0;
constexpr OM_uint32 k_failure = OM_uint32{13} << 16;
constexpr int k_gss_code = 1;  // GSS_C_GSS_CODE

TEST(GssapiLazy, ForwardsToTheLibrary)
{
  // The functions called are this program's own definitions, not the library's (that the dsnguard executable does
  // not load the library at all is checked end to end: Startup.ScanLoadsNoKerberosLibrary).
  Dl_info info{};
  ASSERT_NE(::dladdr(reinterpret_cast<void*>(&gss_indicate_mechs), &info), 0);
  EXPECT_EQ(std::string(info.dli_fname).find("gssapi"), std::string::npos) << info.dli_fname;

  OM_uint32 minor = 1;
  OidSet* mechs = nullptr;
  ASSERT_EQ(gss_indicate_mechs(&minor, &mechs), k_complete);
  ASSERT_NE(mechs, nullptr);
  EXPECT_GT(mechs->count, 0u);
  EXPECT_EQ(gss_release_oid_set(&minor, &mechs), k_complete);
  EXPECT_EQ(mechs, nullptr);
}

TEST(GssapiLazy, TheHostBasedNameTypeIsAcceptedByTheLibrary)
{
  ASSERT_NE(GSS_C_NT_HOSTBASED_SERVICE, nullptr);
  ASSERT_EQ(GSS_C_NT_HOSTBASED_SERVICE->length, 10u);
  EXPECT_EQ(std::memcmp(GSS_C_NT_HOSTBASED_SERVICE->elements, "\x2a\x86\x48\x86\xf7\x12\x01\x02\x01\x04", 10), 0);

  std::string service = "HTTP@localhost.invalid";
  BufferDesc input{service.size(), service.data()};
  OM_uint32 minor = 0;
  void* name = nullptr;
  ASSERT_EQ(gss_import_name(&minor, &input, GSS_C_NT_HOSTBASED_SERVICE, &name), k_complete) << minor;
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(gss_release_name(&minor, &name), k_complete);
}

TEST(GssapiLazy, StatusTextsComeFromTheLibrary)
{
  OM_uint32 minor = 0;
  OM_uint32 context = 0;
  BufferDesc text{0, nullptr};
  ASSERT_EQ(gss_display_status(&minor, k_failure, k_gss_code, nullptr, &context, &text), k_complete);
  ASSERT_NE(text.value, nullptr);
  EXPECT_GT(text.length, 0u);
  EXPECT_EQ(gss_release_buffer(&minor, &text), k_complete);
}

}  // namespace

#endif  // DSNGUARD_STATIC_LIBGIT2
