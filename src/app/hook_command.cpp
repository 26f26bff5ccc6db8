// TEMPORARY until install-hook lands: says so instead of pretending.
#include "app/commands.hpp"
#include "app/exit_codes.hpp"

namespace dsnguard::app {

int run_install_hook(const Options&, std::ostream&, std::ostream& err)
{
  err << "dsnguard: 'install-hook' is not available in this build yet\n";
  return k_exit_usage;
}

int run_uninstall_hook(const Options&, std::ostream&, std::ostream& err)
{
  err << "dsnguard: 'uninstall-hook' is not available in this build yet\n";
  return k_exit_usage;
}

}  // namespace dsnguard::app
