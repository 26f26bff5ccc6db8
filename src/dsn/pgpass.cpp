// .pgpass lines: hostname:port:database:username:password, with '\:' and '\\' escapes (libpq docs 34.16).
#include "dsn/conninfo.hpp"

namespace dsnguard::dsn {

using core::ErrorCode;
using core::fail;

core::Expected<ConnInfo> parse_pgpass(std::string_view line)
{
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  std::size_t lead = 0;
  while (lead < line.size() && (line[lead] == ' ' || line[lead] == '\t')) {
    ++lead;
  }
  if (lead >= line.size() || line[lead] == '#') {
    return fail(ErrorCode::parse, "empty or comment .pgpass line");
  }
  std::string fields[5];
  Span spans[5];
  std::size_t field = 0;
  std::size_t start = lead;
  for (std::size_t i = lead; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\\' && i + 1 < line.size()) {
      fields[field].push_back(line[++i]);
    } else if (c == ':' && field < 4) {
      spans[field] = {start, i - start};
      ++field;
      start = i + 1;
    } else {
      fields[field].push_back(c);
    }
  }
  if (field != 4) {
    return fail(ErrorCode::parse, "a .pgpass line needs five ':'-separated fields");
  }
  spans[4] = {start, line.size() - start};
  ConnInfo info;
  info.form = Form::pgpass;
  info.family = "postgresql";
  // A '*' host matches every server, remote ones included: keep it (judge treats it as a real host).
  info.hosts.push_back(HostPort{fields[0], fields[1] == "*" ? std::string() : fields[1], false});
  if (fields[2] != "*") {
    info.database = fields[2];
  }
  if (fields[3] != "*") {
    info.user = fields[3];
  }
  info.user_span = spans[3];
  info.password = fields[4];
  info.password_span = spans[4];
  info.end = line.size();
  return info;
}

}  // namespace dsnguard::dsn
