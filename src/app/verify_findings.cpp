// TEMPORARY until live verification lands: --verify says so instead of pretending.
#include "app/pipeline.hpp"

namespace dsnguard::app {

void verify_findings(core::Report& report, const Options& options, std::ostream& err)
{
  if (options.verify) {
    err << "dsnguard: --verify is not available in this build yet; findings are reported unverified\n";
    report.summary.notes.push_back("--verify is not available in this build yet");
  }
}

}  // namespace dsnguard::app
