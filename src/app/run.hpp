#pragma once
// app/: runs one command: sources -> scan/lint -> allowlist+baseline -> verify -> report. Owns exit codes.

#include <iosfwd>

#include "app/options.hpp"

namespace dsnguard::app {

// Runs the command in `options`. Report to `out` (or --output), diagnostics to `err`. Returns the exit code.
int run(const Options& options, std::ostream& out, std::ostream& err);

}  // namespace dsnguard::app
