#include "report/json_reporter.hpp"

#include <nlohmann/json.hpp>

#include "report/json_model.hpp"

namespace dsnguard::report {

core::Expected<void> JsonReporter::write(std::ostream& out, const core::Report& report)
{
  out << to_json(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  return {};
}

}  // namespace dsnguard::report
