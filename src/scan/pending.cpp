// TEMPORARY: placeholder definitions so the tree links before the scan module lands. Delete when implemented.
#include "scan/engine.hpp"

namespace dsnguard::scan {
struct Engine::Impl {
  std::vector<core::Rule> rules;
};
Engine::Engine(std::shared_ptr<const Impl> impl) : m_impl(std::move(impl)) {}
core::Expected<Engine> Engine::compile(std::vector<core::Rule> rules)
{
  auto impl = std::make_shared<Impl>();
  impl->rules = std::move(rules);
  return Engine(impl);
}
std::vector<core::Finding> Engine::scan(const core::Fragment&) const { return {}; }
std::vector<core::Finding> Engine::scan_path(const core::Origin&) const { return {}; }
const std::vector<core::Rule>& Engine::rules() const { return m_impl->rules; }
}  // namespace dsnguard::scan
