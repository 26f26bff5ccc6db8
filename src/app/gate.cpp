// TEMPORARY until the CI gate lands (config, inline allow, baseline): a no-op that refuses gate flags.
#include "app/pipeline.hpp"

namespace dsnguard::app {

core::Expected<void> apply_gate(core::Report&, const Options& options, std::ostream&)
{
  if (!options.baseline.empty() || !options.write_baseline.empty() || !options.config.empty()) {
    return core::fail(core::ErrorCode::usage, "--baseline, --write-baseline and --config are not available in this build yet");
  }
  return {};
}

}  // namespace dsnguard::app
