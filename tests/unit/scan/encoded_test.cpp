#include "scan/encoded.hpp"

#include <gtest/gtest.h>

#include <string>

namespace dsnguard::scan {
namespace {

std::string encode(std::string_view text)
{
  static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 3 <= text.size(); i += 3) {
    const auto n = (static_cast<unsigned char>(text[i]) << 16) | (static_cast<unsigned char>(text[i + 1]) << 8)
                   | static_cast<unsigned char>(text[i + 2]);
    out += {k_alphabet[(n >> 18) & 63], k_alphabet[(n >> 12) & 63], k_alphabet[(n >> 6) & 63], k_alphabet[n & 63]};
  }
  if (text.size() - i == 1) {
    const auto n = static_cast<unsigned char>(text[i]) << 16;
    out += {k_alphabet[(n >> 18) & 63], k_alphabet[(n >> 12) & 63], '=', '='};
  } else if (text.size() - i == 2) {
    const auto n = (static_cast<unsigned char>(text[i]) << 16) | (static_cast<unsigned char>(text[i + 1]) << 8);
    out += {k_alphabet[(n >> 18) & 63], k_alphabet[(n >> 12) & 63], k_alphabet[(n >> 6) & 63], '='};
  }
  return out;
}

TEST(DecodeBase64, Rfc4648Vectors)
{
  const std::pair<const char*, const char*> vectors[] = {{"", ""},          {"Zg==", "f"},         {"Zm8=", "fo"},
                                                         {"Zm9v", "foo"},   {"Zm9vYg==", "foob"},  {"Zm9vYmE=", "fooba"},
                                                         {"Zm9vYmFy", "foobar"}, {"Zm9vYmE", "fooba"}};
  std::string out;
  for (const auto& [in, expected] : vectors) {
    ASSERT_TRUE(decode_base64(in, out)) << in;
    EXPECT_EQ(out, expected) << in;
  }
}

TEST(DecodeBase64, RejectsWhatIsNotBase64)
{
  std::string out;
  EXPECT_FALSE(decode_base64("Zm9v YmFy", out));
  EXPECT_FALSE(decode_base64("Zm9v-mFy", out));   // URL-safe alphabet is not what Kubernetes writes
  EXPECT_FALSE(decode_base64("Zm9vY", out));      // 4n+1 characters cannot end a base64 string
  EXPECT_FALSE(decode_base64("Zm=9vYmFy", out));  // padding inside
}

TEST(KubernetesSecretValues, DecodesTheDataMapOfYamlAndJsonSecrets)
{
  const std::string url = "postgresql://app:Zq8Tn4Wx2Lp@pg.prod.acme-corp.io/app";
  const std::string yaml = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  DATABASE_URL: " + encode(url)
                           + "\n  TOKEN: '" + encode("not a url at all") + "'\n";
  const auto values = kubernetes_secret_values(yaml);
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[0].decoded, url);
  EXPECT_EQ(yaml.substr(values[0].offset, values[0].length), encode(url));
  EXPECT_EQ(values[1].decoded, "not a url at all");

  const std::string json = "{\n  \"kind\": \"Secret\",\n  \"data\": {\n    \"DATABASE_URL\": \"" + encode(url) + "\",\n"
                           + "    \"B\": \"" + encode("second value") + "\"\n  }\n}\n";
  const auto from_json = kubernetes_secret_values(json);
  ASSERT_EQ(from_json.size(), 2u);
  EXPECT_EQ(from_json[0].decoded, url);
  EXPECT_EQ(json.substr(from_json[0].offset, from_json[0].length), encode(url));
}

TEST(KubernetesSecretValues, OnlySecretsAndOnlyPrintableValues)
{
  const std::string value = encode("postgresql://app:Zq8Tn4Wx2Lp@pg.prod.acme-corp.io/app");
  EXPECT_TRUE(kubernetes_secret_values("kind: ConfigMap\ndata:\n  URL: " + value + "\n").empty());
  EXPECT_TRUE(kubernetes_secret_values("kind: SecretProviderClass\nspec:\n  URL: " + value + "\n").empty());
  EXPECT_TRUE(kubernetes_secret_values("# the Secret: see below\nURL: " + value + "\n").empty());
  EXPECT_EQ(kubernetes_secret_values("kind:   \"Secret\"\ndata:\n  URL: " + value + "\n").size(), 1u);
  // Binary data (a keystore, a certificate in DER) and short tokens are not text to scan.
  const std::string der = encode(std::string("\x30\x82\x01\x0a\x02\x82", 6) + "abcdefgh");
  EXPECT_TRUE(kubernetes_secret_values("kind: Secret\ndata:\n  key.der: " + der + "\n").empty());
  EXPECT_TRUE(kubernetes_secret_values("kind: Secret\ndata:\n  user: " + encode("app") + "\n").empty());
  // A value followed by more text on its line is not a single base64 token.
  EXPECT_TRUE(kubernetes_secret_values("kind: Secret\ndata:\n  URL: " + value + " # comment\n").empty());
}

TEST(MayHoldManifest, YamlAndJsonFilesOnly)
{
  EXPECT_TRUE(may_hold_manifest("k8s/secret.yaml"));
  EXPECT_TRUE(may_hold_manifest("deploy/db.YML"));
  EXPECT_TRUE(may_hold_manifest("out/secret.json"));
  EXPECT_FALSE(may_hold_manifest("src/app.py"));
  EXPECT_FALSE(may_hold_manifest("yaml"));
  EXPECT_FALSE(may_hold_manifest("notes.yaml.txt"));
}

}  // namespace
}  // namespace dsnguard::scan
