// TEMPORARY until the 'lint' command lands: says so instead of pretending.
#include "app/commands.hpp"
#include "app/exit_codes.hpp"

namespace dsnguard::app {

int run_lint(const Options&, std::ostream&, std::ostream& err)
{
  err << "dsnguard: 'lint' is not available in this build yet\n";
  return k_exit_usage;
}

}  // namespace dsnguard::app
