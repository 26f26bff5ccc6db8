// TEMPORARY until the 'audit' command lands: says so instead of pretending.
#include "app/commands.hpp"
#include "app/exit_codes.hpp"

namespace dsnguard::app {

int run_audit(const Options&, std::ostream&, std::ostream& err)
{
  err << "dsnguard: 'audit' is not available in this build yet\n";
  return k_exit_usage;
}

}  // namespace dsnguard::app
