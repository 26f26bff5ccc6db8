#pragma once
// One handler per subcommand; each returns the process exit code. Internal to app/.

#include <ostream>

#include "app/options.hpp"

namespace dsnguard::app {

int run_scan(const Options& options, std::ostream& out, std::ostream& err);
int run_lint(const Options& options, std::ostream& out, std::ostream& err);
int run_verify(const Options& options, std::ostream& out, std::ostream& err);
int run_audit(const Options& options, std::ostream& out, std::ostream& err);
int run_install_hook(const Options& options, std::ostream& out, std::ostream& err);
int run_uninstall_hook(const Options& options, std::ostream& out, std::ostream& err);

}  // namespace dsnguard::app
