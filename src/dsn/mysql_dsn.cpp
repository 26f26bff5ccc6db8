// Go MySQL driver DSN (github.com/go-sql-driver/mysql): [user[:password]@][net[(addr)]]/dbname[?params].
#include "dsn/conninfo.hpp"
#include "dsn/detail.hpp"

namespace dsnguard::dsn {

using core::ErrorCode;
using core::fail;

core::Expected<ConnInfo> parse_mysql_dsn(std::string_view text)
{
  // The network part "@tcp(" / "@unix(" anchors the split: userinfo is everything before its '@'.
  std::size_t net_at = std::string_view::npos;
  for (const std::string_view net : {"@tcp(", "@tcp6(", "@unix(", "@tcp4("}) {
    const auto p = text.find(net);
    if (p != std::string_view::npos && (net_at == std::string_view::npos || p < net_at)) {
      net_at = p;
    }
  }
  if (net_at == std::string_view::npos) {
    return fail(ErrorCode::parse, "not a MySQL DSN: no @tcp(...) part");
  }
  const auto open = text.find('(', net_at);
  const auto close = text.find(')', open);
  if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != '/') {
    return fail(ErrorCode::parse, "not a MySQL DSN: no \"(addr)/\"");
  }
  ConnInfo info;
  info.form = Form::mysql_dsn;
  info.family = "mysql";
  info.scheme = "mysql";
  const auto userinfo = text.substr(0, net_at);
  const auto colon = userinfo.find(':');
  info.user = std::string(userinfo.substr(0, colon));
  info.user_span = {0, userinfo.substr(0, colon).size()};
  if (colon != std::string_view::npos) {
    info.password = std::string(userinfo.substr(colon + 1));
    info.password_span = {colon + 1, userinfo.size() - colon - 1};
  }
  const auto addr = text.substr(open + 1, close - open - 1);
  if (text.substr(net_at + 1, 4) == "unix") {
    info.hosts.push_back(HostPort{std::string(addr), "", false});
  } else {
    info.hosts = detail::parse_host_list(addr);
  }
  std::size_t i = close + 2;
  std::size_t db_end = i;
  while (db_end < text.size() && text[db_end] != '?' && text[db_end] != '"' && text[db_end] != '\''
         && text[db_end] != '`' && static_cast<unsigned char>(text[db_end]) > 0x20) {
    ++db_end;
  }
  if (db_end > i) {
    info.database = std::string(text.substr(i, db_end - i));
  }
  info.end = db_end;
  if (db_end < text.size() && text[db_end] == '?') {
    std::size_t q_end = db_end + 1;
    while (q_end < text.size() && text[q_end] != '"' && text[q_end] != '\'' && text[q_end] != '`'
           && static_cast<unsigned char>(text[q_end]) > 0x20) {
      ++q_end;
    }
    ConnInfo scratch;
    detail::parse_query(text.substr(db_end + 1, q_end - db_end - 1), db_end + 1, '&', scratch);
    info.params = std::move(scratch.params);
    info.end = q_end;
  }
  return info;
}

}  // namespace dsnguard::dsn
