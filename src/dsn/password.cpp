// Password judgement: interpolation, placeholders, encrypted values, masks, weak defaults.
// Categories follow detection-landscape.md section 4 (3-7); every check runs on the DECODED password.
#include <algorithm>
#include <array>
#include <cctype>

#include "dsn/detail.hpp"
#include "dsn/judge.hpp"

namespace dsnguard::dsn {

namespace {

bool is_ident_start(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool is_ident(char c)
{
  return is_ident_start(c) || (c >= '0' && c <= '9');
}

bool is_digit(char c)
{
  return c >= '0' && c <= '9';
}

bool all_ident(std::string_view s, bool allow_dots = false)
{
  return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) { return is_ident(c) || (allow_dots && c == '.'); });
}

bool contains(std::string_view s, std::string_view needle)
{
  return s.find(needle) != std::string_view::npos;
}

// `{name}`, `{0}`, `{}` anywhere (Python str.format / f-strings, C# String.Format).
bool has_brace_field(std::string_view s)
{
  for (std::size_t open = s.find('{'); open != std::string_view::npos; open = s.find('{', open + 1)) {
    const auto close = s.find('}', open + 1);
    if (close == std::string_view::npos) {
      return false;
    }
    const auto inner = s.substr(open + 1, close - open - 1);
    if (inner.empty() || all_ident(inner, true) || (inner.size() <= 3 && std::all_of(inner.begin(), inner.end(), is_digit))) {
      return true;
    }
    // {name!r}, {name:>10}
    const auto mark = inner.find_first_of("!:");
    if (mark != std::string_view::npos && mark > 0 && all_ident(inner.substr(0, mark), true)) {
      return true;
    }
  }
  return false;
}

// printf-style verbs: %s %d %v %r %(name)s.
bool has_printf_verb(std::string_view s)
{
  for (std::size_t p = s.find('%'); p != std::string_view::npos; p = s.find('%', p + 1)) {
    if (p + 1 >= s.size()) {
      break;
    }
    const char c = s[p + 1];
    if (c == 's' || c == 'd' || c == 'v' || c == 'r' || c == 'q') {
      // "%s" but not a percent escape like "%sA" inside a decoded value? Decoded values have no escapes left.
      return true;
    }
    if (c == '(') {
      const auto close = s.find(')', p + 2);
      if (close != std::string_view::npos && close + 1 < s.size() && all_ident(s.substr(p + 2, close - p - 2))) {
        return true;
      }
    }
  }
  return false;
}

bool is_interpolation(std::string_view pw)
{
  static constexpr std::array<std::string_view, 13> k_markers = {
      "${", "$(", "{{", "}}", "#{", "<%", "%>", "$env:", "{%", "%{", "[[", "]]", "{{resolve:"};
  for (const auto m : k_markers) {
    if (contains(pw, m)) {
      return true;
    }
  }
  // $VAR / $1 as the whole value (or a value ending in one: "prefix$VAR" is still not a literal).
  if (pw.size() >= 2 && pw[0] == '$' && all_ident(pw.substr(1))) {
    return true;
  }
  // %VAR% (Windows), @VAR@ (Maven/Gradle filtering), __VAR__ (token replace), :var (SQL bind), ?
  if (pw.size() >= 3 && ((pw.front() == '%' && pw.back() == '%') || (pw.front() == '@' && pw.back() == '@'))
      && all_ident(pw.substr(1, pw.size() - 2), true)) {
    return true;
  }
  if (pw.size() >= 5 && pw.substr(0, 2) == "__" && pw.substr(pw.size() - 2) == "__" && all_ident(pw)) {
    return true;
  }
  if (pw == "?" || (pw.size() >= 2 && pw[0] == ':' && all_ident(pw.substr(1)))) {
    return true;
  }
  return has_brace_field(pw) || has_printf_verb(pw);
}

bool is_encrypted(std::string_view pw)
{
  const std::string l = detail::lower(pw);
  // Stored hashes (PostgreSQL md5 / SCRAM verifiers) are not usable passwords.
  if ((l.size() == 35 && l.rfind("md5", 0) == 0 && std::all_of(l.begin() + 3, l.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }))
      || l.rfind("scram-sha-256$", 0) == 0) {
    return true;
  }
  return l.rfind("enc[", 0) == 0 || l.rfind("{cipher}", 0) == 0 || l.rfind("!vault", 0) == 0
         || l.rfind("$ansible_vault", 0) == 0 || l.rfind("vault:", 0) == 0 || l.rfind("ENC(", 0) == 0
         || l.rfind("enc(", 0) == 0 || l.rfind("arn:aws:secretsmanager", 0) == 0
         || (l.rfind("projects/", 0) == 0 && contains(l, "/secrets/"));
}

bool is_mask(std::string_view pw)
{
  const std::string l = detail::lower(pw);
  static constexpr std::array<std::string_view, 14> k_masks = {
      "[redacted]", "redacted", "<redacted>", "(redacted)", "[filtered]", "[hidden]", "<hidden>", "hidden",
      "[masked]", "masked", "<masked>", "[secret]", "[removed]", "(hidden)"};
  if (std::find(k_masks.begin(), k_masks.end(), l) != k_masks.end()) {
    return true;
  }
  // Only mask characters: ***, •••, ###.
  std::string_view rest = pw;
  bool any = false;
  while (!rest.empty()) {
    if (rest[0] == '*' || rest[0] == '#') {
      rest.remove_prefix(1);
    } else if (rest.substr(0, 3) == "\xE2\x80\xA2" || rest.substr(0, 3) == "\xE2\x97\x8F") {  // U+2022, U+25CF
      rest.remove_prefix(3);
    } else {
      return false;
    }
    any = true;
  }
  return any && pw.size() >= 3;
}

// Words that make up instruction and placeholder passwords ("your_db_password_here", "mysecretpassword").
constexpr std::string_view k_filler[] = {
    "my",       "your",     "yours",   "the",      "a",        "db",       "database", "pg",      "postgres",
    "postgresql", "mysql",  "mongo",   "mongodb",  "redis",    "rabbit",   "rabbitmq", "user",    "users",
    "app",      "admin",    "root",    "secret",   "super",    "strong",   "here",     "example", "sample",
    "dummy",    "fake",     "new",     "some",     "real",     "actual",   "enter",    "insert",  "put",
    "replace",  "with",     "change",  "me",       "this",     "to",       "goes",     "service", "account",
    "sa",       "very",     "long",    "random",   "generated", "own",     "value",    "of",      "for",
    "in",       "type",     "set",     "fill",     "default",  "server",   "pass",     "password", "passwd",
    "pwd",      "pw",       "word",     "awesome",  "secure",   "complex",  "good",     "great",   "cool",
    "nice",     "top",      "safe",     "hard",     "difficult", "special", "private",  "guess",    "test",
    "testing",  "dev",      "oracle",   "sqlserver", "mssql",   "maria"};
constexpr std::array<std::string_view, 5> k_core = {"password", "passwd", "pass", "pwd", "pw"};

// True when `s` (lower case, separators removed) splits entirely into filler words with at least one core word.
bool is_filler_compound(std::string_view s)
{
  // dp[i] = 0 unreachable, 1 reachable without core, 2 reachable with core
  constexpr std::size_t k_max = 96;
  if (s.empty() || s.size() > k_max) {
    return false;
  }
  std::array<int, k_max + 1> dp{};
  dp[0] = 1;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (dp[i] == 0) {
      continue;
    }
    for (const auto w : k_filler) {
      if (s.substr(i, w.size()) == w) {
        const bool core = std::find(k_core.begin(), k_core.end(), w) != k_core.end();
        dp[i + w.size()] = std::max(dp[i + w.size()], (core || dp[i] == 2) ? 2 : 1);
      }
    }
  }
  return dp[s.size()] == 2;
}

bool is_placeholder(std::string_view pw)
{
  // The closing backtick of Markdown inline code: "set `Password=` to ...", "`;user=;password=` properties".
  if (!pw.empty() && pw.front() == '`'
      && (pw.size() == 1 || pw[1] == ' ' || pw[1] == '\t' || pw[1] == ',' || pw[1] == '.')) {
    return true;
  }
  if (pw.size() >= 2) {
    const char f = pw.front();
    const char b = pw.back();
    if ((f == '<' && b == '>') || (f == '[' && b == ']') || (f == '{' && b == '}') || (f == '(' && b == ')')) {
      return true;
    }
  }
  // SHOUTED words are documentation placeholders: SECRET, DBPASS, MY_PASSWORD.
  if (pw.size() >= 3 && std::all_of(pw.begin(), pw.end(), [](char c) { return (c >= 'A' && c <= 'Z') || c == '_' || c == '-'; })) {
    return true;
  }
  std::string l = detail::lower(pw);
  if (l.rfind("&lt;", 0) == 0 || l.rfind("%3c", 0) == 0) {
    return true;
  }
  if (contains(l, "...") || contains(l, "\xE2\x80\xA6")) {
    return true;
  }
  // Separators do not change a placeholder: "YOUR-PASSWORD", "change_me", "replace me".
  std::string n;
  for (const char c : l) {
    if (c != '-' && c != '_' && c != '.' && c != ' ' && c != '+') {
      n.push_back(c);
    }
  }
  if (n.empty()) {
    return true;
  }
  // Trailing punctuation does not make an instruction word real: "secretpassword!!".
  while (n.size() > 1 && (n.back() == '!' || n.back() == '?' || n.back() == '*')) {
    n.pop_back();
  }
  // One repeated character: xxx, XXXX, 000, aaaa.
  if (n.size() >= 3 && std::all_of(n.begin(), n.end(), [&](char c) { return c == n[0]; }) && !is_digit(n[0])) {
    return true;
  }
  static constexpr std::array<std::string_view, 31> k_words = {
      "changeme", "changemenow", "replaceme", "placeholder", "dummy", "fake", "sample", "example", "redacted",
      "todo", "fixme", "tbd", "notset", "none", "null", "nil", "undefined", "empty", "xxx", "xxxx", "xxxxx",
      "secretvalue", "secretkey", "yoursecret", "mysecret", "foobar", "foo", "bar", "baz", "passphrase", "foobared"};
  if (std::find(k_words.begin(), k_words.end(), n) != k_words.end()) {
    return true;
  }
  for (const std::string_view marker : {"changeme", "replaceme", "changethis", "yourpass", "your", "placeholder",
                                        "redacted", "dummy", "fake", "example", "sample"}) {
    if (contains(n, marker) && (marker != "your" || n.rfind("your", 0) == 0)) {
      return true;
    }
  }
  // "..._here" instructions: "enter_password_here", "putyourpasswordhere".
  if (n.size() > 8 && n.substr(n.size() - 4) == "here" && (contains(n, "pass") || contains(n, "pw") || contains(n, "secret"))) {
    return true;
  }
  // Decoration does not make an instruction word real either: "#password#", "<<password>>", "(pass)".
  std::string alnum;
  for (const char c : n) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      alnum.push_back(c);
    }
  }
  if (alnum.size() != n.size() && !alnum.empty() && alnum.size() * 2 >= n.size() && is_filler_compound(alnum)) {
    return true;
  }
  if (is_filler_compound(n)) {
    return true;
  }
  // Leetspeak and a version suffix do not either: "S0meVeryHardPassword", "MyOraclePWD1".
  std::string plain;
  for (const char c : alnum) {
    switch (c) {
    case '0': plain.push_back('o'); break;
    case '1': plain.push_back('i'); break;
    case '3': plain.push_back('e'); break;
    case '4': plain.push_back('a'); break;
    case '5': plain.push_back('s'); break;
    case '7': plain.push_back('t'); break;
    default: plain.push_back(c);
    }
  }
  std::string trimmed = alnum;
  while (!trimmed.empty() && is_digit(trimmed.back())) {
    trimmed.pop_back();
  }
  // Only compounds: a lone disguised "Passw0rd" / "password1" stays a (weak) literal, reportable on real hosts.
  return (plain != alnum && plain.size() > 8 && is_filler_compound(plain))
         || (trimmed != alnum && trimmed.size() > 8 && is_filler_compound(trimmed));
}

}  // namespace

std::optional<Span> shell_default_literal(std::string_view pw)
{
  // ${NAME:-literal} / ${NAME-literal} / ${NAME:=literal}
  if (pw.size() < 6 || pw.substr(0, 2) != "${" || pw.back() != '}') {
    return std::nullopt;
  }
  std::size_t i = 2;
  if (i >= pw.size() || !is_ident_start(pw[i])) {
    return std::nullopt;
  }
  while (i < pw.size() && is_ident(pw[i])) {
    ++i;
  }
  if (i < pw.size() && pw[i] == ':') {
    ++i;
    // Spring/Micronaut ${NAME:default}: a default that is not a shell operator.
    if (i < pw.size() && pw[i] != '-' && pw[i] != '=' && pw[i] != '?' && pw[i] != '+' && pw[i] != '}') {
      return Span{i, pw.size() - 1 - i};
    }
  }
  if (i >= pw.size() || (pw[i] != '-' && pw[i] != '=')) {
    return std::nullopt;
  }
  ++i;
  const std::size_t len = pw.size() - 1 - i;
  if (len == 0) {
    return std::nullopt;
  }
  return Span{i, len};
}

PasswordKind classify_password(std::string_view password, std::string_view user)
{
  if (password.empty()) {
    return PasswordKind::empty;
  }
  if (const auto lit = shell_default_literal(password)) {
    return classify_password(password.substr(lit->offset, lit->length), user);
  }
  if (is_encrypted(password)) {
    return PasswordKind::encrypted;
  }
  if (is_mask(password)) {
    return PasswordKind::redacted;
  }
  if (is_interpolation(password)) {
    return PasswordKind::interpolation;
  }
  if (is_placeholder(password)) {
    return PasswordKind::placeholder;
  }
  return PasswordKind::literal;
}

bool is_weak_password(std::string_view password, std::string_view user)
{
  if (password.empty()) {
    return true;
  }
  const std::string l = detail::lower(password);
  if (!user.empty() && l == detail::lower(user)) {
    return true;
  }
  if (password.size() <= 4) {
    return true;
  }
  if (std::all_of(l.begin(), l.end(), is_digit) && l.size() <= 10) {
    return true;
  }
  // A short single lower-case word ("gitea", "prisma", "crate"): a service-name default, not a generated secret.
  if (password.size() <= 8 && std::all_of(password.begin(), password.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
    return true;
  }
  // Base word plus optional digits/punctuation: "postgres123", "admin!", "root1".
  std::string base = l;
  while (!base.empty() && (is_digit(base.back()) || base.back() == '!' || base.back() == '@' || base.back() == '#')) {
    base.pop_back();
  }
  static constexpr std::array<std::string_view, 53> k_weak = {
      "postgres", "postgresql", "pgsql", "pg", "root", "admin", "administrator", "password", "passw0rd", "p@ssw0rd",
      "p@ssword", "pass", "secret", "s3cret", "s3cr3t", "qwerty", "test", "testing", "testpass", "testpassword",
      "tester", "dev", "devpass", "devpassword", "development", "guest", "user", "mysql", "mariadb", "mongo",
      "mongodb", "redis", "rabbitmq", "rabbit", "sa", "oracle", "tiger", "changeit", "letmein", "default", "toor",
      "local", "localdev", "docker", "app", "demo", "welcome", "pgpass", "supersecret", "abc", "abcdef", "qwertyuiop",
      "masterkey"};  // Firebird / InterBase SYSDBA default
  return std::find(k_weak.begin(), k_weak.end(), base) != k_weak.end()
         || std::find(k_weak.begin(), k_weak.end(), l) != k_weak.end() || base.empty();
}

}  // namespace dsnguard::dsn
