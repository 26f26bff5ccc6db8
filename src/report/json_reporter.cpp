#include "report/json_reporter.hpp"

#include <nlohmann/json.hpp>

#include "report/json_model.hpp"

namespace dsnguard::report {

core::Expected<void> JsonReporter::write(std::ostream& out, const core::Report& report)
{
  write_json(out, report);
  out << "\n";
  return {};
}

}  // namespace dsnguard::report
