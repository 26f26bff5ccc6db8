// TEMPORARY: commands whose modules have not landed yet. Each moves to its own <name>_command.cpp.
#include "app/commands.hpp"
#include "app/exit_codes.hpp"

namespace dsnguard::app {

namespace {
int not_yet(std::ostream& err, const char* what)
{
  err << "dsnguard: '" << what << "' is not available in this build yet\n";
  return k_exit_usage;
}
}  // namespace

int run_lint(const Options&, std::ostream&, std::ostream& err) { return not_yet(err, "lint"); }
int run_verify(const Options&, std::ostream&, std::ostream& err) { return not_yet(err, "verify"); }
int run_audit(const Options&, std::ostream&, std::ostream& err) { return not_yet(err, "audit"); }
int run_install_hook(const Options&, std::ostream&, std::ostream& err) { return not_yet(err, "install-hook"); }
int run_uninstall_hook(const Options&, std::ostream&, std::ostream& err) { return not_yet(err, "uninstall-hook"); }

}  // namespace dsnguard::app
