#include "fuzz/targets.hpp"

#include <string_view>

#include "config/rules.hpp"
#include "dsn/conninfo.hpp"
#include "dsn/judge.hpp"
#include "scan/engine.hpp"

namespace dsnguard::fuzz {

namespace {
std::string_view as_text(const std::uint8_t* data, std::size_t size)
{
  return {reinterpret_cast<const char*>(data), size};
}
}  // namespace

int fuzz_dsn(const std::uint8_t* data, std::size_t size)
{
  const auto text = as_text(data, size);
  using Parser = core::Expected<dsn::ConnInfo> (*)(std::string_view);
  for (Parser parse : {&dsn::parse_any, &dsn::parse_uri, &dsn::parse_keyvalue, &dsn::parse_jdbc, &dsn::parse_ado,
                       &dsn::parse_pgpass}) {
    const auto info = parse(text);
    if (!info) {
      continue;
    }
    // Spans must lie inside the input: redaction and columns depend on it.
    if (info->password_span.offset + info->password_span.length > text.size()
        || info->user_span.offset + info->user_span.length > text.size() || info->end > text.size()) {
      __builtin_trap();
    }
    (void)dsn::judge(*info, "app/settings.py");
    (void)dsn::secret_key(*info);
    (void)dsn::to_redacted_uri(*info);
    (void)dsn::is_pooler(*info);
    const std::string redacted = dsn::redact(text, info->password_span);
    (void)redacted;
  }
  (void)dsn::percent_decode(text);
  (void)dsn::percent_encode_userinfo(text);
  (void)dsn::classify_host(text);
  (void)dsn::classify_password(text, "user");
  return 0;
}

int fuzz_rules(const std::uint8_t* data, std::size_t size)
{
  const auto text = as_text(data, size);
  auto rules = config::parse_rules(text, "fuzz.json");
  if (!rules) {
    return 0;
  }
  auto engine = scan::Engine::compile(std::move(*rules));
  if (!engine) {
    return 0;
  }
  core::Fragment fragment;
  fragment.bytes = text;
  fragment.origin.path = ".env";
  (void)engine->scan(fragment);
  return 0;
}

std::vector<Target> all_targets()
{
  return {{"dsn", &fuzz_dsn}, {"rules", &fuzz_rules}};
}

}  // namespace dsnguard::fuzz
