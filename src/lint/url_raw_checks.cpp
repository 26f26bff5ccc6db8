// Raw-text URL checks (scheme typos and case, unencoded userinfo, bad escapes, unclosed IPv6 brackets) and
// redaction of raw candidate text; then hands the parsed string to check_conninfo.
#include <algorithm>
#include <cctype>

#include "lint/uri_render.hpp"
#include "lint/url_checks.hpp"
#include "lint/url_scan.hpp"
#include "util/strings.hpp"

namespace dsnguard::lint {

namespace {

std::string q(std::string_view s)
{
  return "'" + util::printable(s) + "'";
}

core::Finding finding(std::string_view id, const UrlSite& site, std::string message, std::string fix)
{
  return url_finding(id, site, std::move(message), std::move(fix));
}

}  // namespace

std::string redact_raw(std::string_view raw)
{
  std::string out(raw);
  const auto ru = raw_userinfo(raw);
  if (ru.present && ru.has_password && ru.password_length > 0) {
    out.replace(ru.password_offset, ru.password_length, "****");
  }
  // password=... in a query string or a key=value string.
  const std::string lower = util::to_lower(out);
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  for (std::size_t pos = lower.find("password"); pos != std::string::npos; pos = lower.find("password", pos + 1)) {
    std::size_t i = pos + 8;
    while (i < out.size() && out[i] == ' ') {
      ++i;
    }
    if (i >= out.size() || out[i] != '=') {
      continue;
    }
    ++i;
    while (i < out.size() && out[i] == ' ') {
      ++i;
    }
    std::size_t end = i;
    if (i < out.size() && out[i] == '\'') {
      end = i + 1;
      while (end < out.size() && out[end] != '\'') {
        end += out[end] == '\\' ? 2 : 1;
      }
      end = std::min(end + 1, out.size());
    } else {
      while (end < out.size() && out[end] != '&' && out[end] != ' ' && out[end] != ';') {
        ++end;
      }
    }
    if (end > i) {
      spans.emplace_back(i, end - i);
    }
  }
  for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
    out.replace(it->first, it->second, "****");
  }
  return out;
}

namespace {

std::optional<dsn::ConnInfo> check_url_unmasked(const UrlSite& site, const ProjectFacts& facts,
                                                std::vector<core::Finding>& out)
{
  const std::string_view raw = site.raw;
  if (site.keyvalue) {
    auto info = dsn::parse_keyvalue(raw);
    if (!info) {
      return std::nullopt;
    }
    check_conninfo(site, *info, facts, out);
    return *info;
  }
  const auto sep = raw.find("://");
  if (sep == std::string_view::npos) {
    return std::nullopt;
  }
  // Prose mentions ("use postgresql:// URLs", "postgresql://…") and grammar notation
  // ("user:password@host:port/dbname[?key=value&key=value...]") are not connection strings.
  if (sep + 3 >= raw.size() || raw.find("[?") != std::string_view::npos || raw.find("[/") != std::string_view::npos
      || raw.find("...") != std::string_view::npos || raw.find("\xE2\x80\xA6") != std::string_view::npos) {
    return std::nullopt;
  }
  const auto first = static_cast<unsigned char>(raw[sep + 3]);
  if (std::isalnum(first) == 0 && std::string_view("[%/@${_.:").find(static_cast<char>(first)) == std::string_view::npos) {
    return std::nullopt;
  }
  std::string text(raw);
  const std::string scheme(raw.substr(0, sep));
  std::string suggestion;
  const SchemeClass scheme_class = classify_scheme(scheme, &suggestion);
  if (scheme_class == SchemeClass::postgres && scheme != util::to_lower(scheme) && scheme.find('+') == std::string::npos
      && !util::starts_with_icase(scheme, "jdbc:")) {
    // libpq compares the prefix case-sensitively and then fails with 'missing "=" after ...'.
    text = util::to_lower(scheme) + text.substr(sep);
    out.push_back(finding("L027", site,
                          q(scheme) + ":// is upper-case, but libpq matches the scheme case-sensitively and rejects the URL.",
                          util::to_lower(scheme) + redact_raw(raw).substr(sep)));
  }
  if (scheme_class == SchemeClass::postgres_typo) {
    text = suggestion + text.substr(sep);
    out.push_back(finding("L027", site,
                          q(scheme) + ":// is not a PostgreSQL scheme (libpq accepts only postgresql:// and "
                                      "postgres://): the client refuses or misreads the URL.",
                          suggestion + redact_raw(raw).substr(sep)));
  }

  // Unencoded reserved characters in the userinfo: libpq cuts at the first '@' or '/' and connects silently with
  // the wrong user, host or database (reference section 3); other parsers throw or disagree.
  const auto ru = raw_userinfo(text);
  if (ru.present) {
    const std::string_view user = std::string_view(text).substr(ru.user_offset, ru.user_length);
    const std::string_view password =
      ru.has_password ? std::string_view(text).substr(ru.password_offset, ru.password_length) : std::string_view();
    constexpr std::string_view k_reserved = "@/?#[] ";
    std::string bad_user;
    std::string bad_password;
    for (const char c : k_reserved) {
      if (user.find(c) != std::string_view::npos) {
        bad_user += c;
      }
      if (password.find(c) != std::string_view::npos) {
        bad_password += c;
      }
    }
    const bool templated_password = password.find("${") != std::string_view::npos || password.find("{{") != std::string_view::npos;
    if ((!bad_user.empty() || !bad_password.empty()) && !templated_password) {
      const auto describe = [&](const std::string& chars) {
        std::string s;
        for (const char c : chars) {
          s += (s.empty() ? "" : ", ") + std::string("'") + (c == ' ' ? std::string("space") : std::string(1, c))
               + "' as " + encode_component(std::string(1, c));
        }
        return s;
      };
      std::string fixed_url = text.substr(0, ru.user_offset) + encode_component(dsn::percent_decode(user));
      if (ru.has_password) {
        fixed_url += ":****";
      }
      fixed_url += "@" + redact_raw(text.substr(ru.host_offset));
      std::string message = "The ";
      message += !bad_user.empty() ? "user" : "";
      message += !bad_user.empty() && !bad_password.empty() ? " and the " : "";
      message += !bad_password.empty() ? "password" : "";
      message += !bad_user.empty() && !bad_password.empty() ? " contain" : " contains";
      message += " unencoded reserved characters; libpq splits the URL at the first '@' or '/' and silently "
                 "connects with the wrong user, host or database.";
      out.push_back(finding("L004", site, message,
                            "Percent-encode them (" + describe(bad_user + bad_password) + "): " + fixed_url));
      // Repair the encoding so the remaining checks see what the author meant.
      text = text.substr(0, ru.user_offset) + encode_component(dsn::percent_decode(user))
             + (ru.has_password ? ":" + encode_component(dsn::percent_decode(password)) : std::string()) + "@"
             + text.substr(ru.host_offset);
    }
  }

  // An IPv6 host whose bracket is never closed: libpq fails with 'end of string reached when looking for matching
  // "]"'; lenient parsers take the rest of the URL as the host.
  {
    const auto ru3 = raw_userinfo(text);
    const std::size_t host_start = ru3.present ? ru3.host_offset : text.find("://") + 3;
    const auto host_end = text.find_first_of("/?#", host_start);
    const auto authority = std::string_view(text).substr(host_start, host_end == std::string::npos ? std::string::npos : host_end - host_start);
    // Only a host that starts with '[' (after ',' for multi-host); "host:port[/dbname]" is grammar notation in docs.
    const auto open = authority.find('[');
    const bool bracket_host = open == 0 || (open != std::string_view::npos && authority[open - 1] == ',');
    if (bracket_host && authority.find(']', open) == std::string_view::npos) {
      out.push_back(finding("L031", site,
                            "The IPv6 host's '[' is never closed, so libpq rejects the URL (end of string reached when "
                            "looking for matching \"]\").",
                            "Close the bracket: scheme://user:****@[address]:port/database"));
      return std::nullopt;
    }
  }

  // Invalid percent-escapes (placeholders such as %(password)s and %DB_PASSWORD% are not escapes).
  for (std::size_t i = text.find('%'); i != std::string::npos; i = text.find('%', i + 1)) {
    const auto close = text.find('%', i + 1);
    if (close != std::string::npos && close > i + 2
        && std::all_of(text.begin() + static_cast<std::ptrdiff_t>(i + 1), text.begin() + static_cast<std::ptrdiff_t>(close),
                       [](char c) { return std::isupper(static_cast<unsigned char>(c)) != 0 || c == '_' || std::isdigit(static_cast<unsigned char>(c)) != 0; })
        && std::any_of(text.begin() + static_cast<std::ptrdiff_t>(i + 1), text.begin() + static_cast<std::ptrdiff_t>(close),
                       [](char c) { return c == '_' || (c >= 'G' && c <= 'Z'); })) {
      i = close;  // %DB_PASSWORD% placeholder (Windows-style variable), not escapes
      continue;
    }
    const bool hex = i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) != 0
                     && std::isxdigit(static_cast<unsigned char>(text[i + 2])) != 0;
    if (hex) {
      i += 2;
      continue;
    }
    const char next = i + 1 < text.size() ? text[i + 1] : '\0';
    if (next == '(' || next == '{' || next == 's' || next == 'd' || next == 'r') {
      break;  // %(password)s / %{x} templates, printf-style %s
    }
    const auto ru2 = raw_userinfo(text);
    const bool in_password = ru2.has_password && i >= ru2.password_offset && i < ru2.password_offset + ru2.password_length;
    std::string fixed = text;
    if (!in_password) {
      fixed.insert(i + 1, "25");
    }
    out.push_back(finding("L005", site,
                          std::string("A '%' in the ") + (in_password ? "password" : "URL")
                            + " does not start a valid %XX escape: libpq rejects it (\"invalid percent-encoded token\").",
                          "Write a literal '%' as %25" + std::string(in_password ? " in the password" : "") + ": "
                            + redact_raw(fixed)));
    break;
  }

  // Templates can hold URL delimiters (${PASSWORD:?not set}, {{ host }}); parse a copy where each is one opaque
  // token that still reads as a template ("{TEMPLATE}" after decoding) to the checks below.
  for (std::size_t t = text.find("${"); t != std::string::npos; t = text.find("${", t + 1)) {
    const auto close = text.find('}', t);
    if (close == std::string::npos) {
      break;
    }
    text.replace(t, close - t + 1, "%7BTEMPLATE%7D");
  }
  for (std::size_t t = text.find("{{"); t != std::string::npos; t = text.find("{{", t + 1)) {
    const auto close = text.find("}}", t);
    if (close == std::string::npos) {
      break;
    }
    text.replace(t, close - t + 2, "%7BTEMPLATE%7D");
  }
  auto info = raw.size() >= 5 && util::starts_with_icase(raw, "jdbc:") ? dsn::parse_jdbc(text) : dsn::parse_uri(text);
  if (!info) {
    // Only a PostgreSQL URL with something after "://" (prose such as "use postgresql:// URLs" is not a URL).
    const bool postgres = scheme_class == SchemeClass::postgres || scheme_class == SchemeClass::postgres_typo;
    if (postgres && text.size() > text.find("://") + 3 && info.error().code == core::ErrorCode::parse) {
      out.push_back(finding("L031", site,
                            "The connection string does not parse (" + util::printable(info.error().message)
                              + "), so every client rejects it.",
                            "Percent-encode reserved characters and check the brackets of IPv6 hosts: "
                              + redact_raw(text)));
    }
    return std::nullopt;
  }
  check_conninfo(site, *info, facts, out);
  return *info;
}

// Replaces every occurrence of `secret` in `text` with "****".
void mask_all(std::string& text, const std::string& secret)
{
  for (std::size_t pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 4)) {
    text.replace(pos, secret.size(), "****");
  }
}

}  // namespace

std::optional<dsn::ConnInfo> check_url(const UrlSite& site, const ProjectFacts& facts, std::vector<core::Finding>& out)
{
  const std::size_t first_new = out.size();
  auto info = check_url_unmasked(site, facts, out);
  // redact_raw masks the password where the URL grammar puts it; the same bytes can also stand elsewhere on the
  // candidate (a second key, a repeated value). Lint output never carries a password (found by fuzzing, issue 7).
  if (info && info->password) {
    for (const std::string* secret : {&*info->password, &info->raw_password}) {
      if (secret->size() < 3) {
        continue;
      }
      for (std::size_t i = first_new; i < out.size(); ++i) {
        mask_all(out[i].match, *secret);
        mask_all(out[i].message, *secret);
        mask_all(out[i].fix, *secret);
      }
    }
  }
  return info;
}

}  // namespace dsnguard::lint
