#include "app/run.hpp"

#include "app/commands.hpp"
#include "app/exit_codes.hpp"

namespace dsnguard::app {

int run(const Options& options, std::ostream& out, std::ostream& err)
{
  switch (options.command) {
  case Command::scan: return run_scan(options, out, err);
  case Command::lint: return run_lint(options, out, err);
  case Command::verify: return run_verify(options, out, err);
  case Command::audit: return run_audit(options, out, err);
  case Command::install_hook: return run_install_hook(options, out, err);
  case Command::uninstall_hook: return run_uninstall_hook(options, out, err);
  case Command::help:
  case Command::version: break;
  }
  return k_exit_usage;
}

}  // namespace dsnguard::app
