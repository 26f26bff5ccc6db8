#include "fuzz/targets.hpp"

#include <string_view>

#include "baseline/baseline.hpp"
#include "config/repo_config.hpp"
#include "config/rules.hpp"
#include "lint/ignore_fix.hpp"
#include "lint/project.hpp"
#include "lint/url_checks.hpp"
#include "lint/url_scan.hpp"
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

int fuzz_config(const std::uint8_t* data, std::size_t size)
{
  (void)config::parse_repo_config(as_text(data, size), "fuzz/.dsnguard.json", "/nonexistent");
  return 0;
}

int fuzz_baseline(const std::uint8_t* data, std::size_t size)
{
  const auto parsed = baseline::parse(as_text(data, size), "fuzz.baseline");
  if (!parsed) {
    return 0;
  }
  const std::string text = baseline::serialize(parsed->entries);
  const auto again = baseline::parse(text, "fuzz.baseline");
  if (!again || baseline::serialize(again->entries) != text) {
    __builtin_trap();  // what we write must read back identically
  }
  return 0;
}

int fuzz_lint(const std::uint8_t* data, std::size_t size)
{
  const auto text = as_text(data, size);
  const std::vector<std::string> wanted = {".env", ".env.local", ".env.*.local"};
  const std::string fixed = lint::append_ignore_lines(text, lint::missing_ignore_lines(text, wanted));
  if (!lint::missing_ignore_lines(fixed, wanted).empty() || lint::append_ignore_lines(fixed, {}) != fixed) {
    __builtin_trap();  // --fix must be idempotent
  }
  lint::ProjectFacts facts;
  for (const auto& candidate : lint::find_url_candidates(text)) {
    lint::UrlSite site;
    site.path = "fuzz.py";
    site.line = 1;
    site.raw = candidate.text;
    site.key = candidate.key;
    site.keyvalue = candidate.keyvalue;
    site.in_source_code = true;
    std::vector<core::Finding> out;
    const auto info = lint::check_url(site, facts, out);
    if (info && info->password && info->password->size() >= 6) {
      for (const auto& f : out) {
        // Lint output never carries the password (matches, messages and fixes are redacted).
        if (f.match.find(*info->password) != std::string::npos || f.fix.find(*info->password) != std::string::npos
            || f.message.find(*info->password) != std::string::npos) {
          if (candidate.text.find("****") == std::string_view::npos && info->password->find("****") == std::string::npos) {
            __builtin_trap();
          }
        }
      }
    }
  }
  return 0;
}

std::vector<Target> all_targets()
{
  return {{"dsn", &fuzz_dsn},           {"rules", &fuzz_rules}, {"config", &fuzz_config},
          {"baseline", &fuzz_baseline}, {"lint", &fuzz_lint}};
}

}  // namespace dsnguard::fuzz
