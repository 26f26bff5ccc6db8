#pragma once
// The scan engine, loaded on a thread of its own: rule files, repository config and compilation take a few
// milliseconds that a scan spends meanwhile finding the repository and listing its files. Internal to app/.

#include <atomic>
#include <latch>
#include <optional>
#include <thread>

#include "app/options.hpp"
#include "core/error.hpp"
#include "scan/engine.hpp"

namespace dsnguard::app {

class PendingEngine {
public:
  // Starts load_engine(options). With `prepare`, the same thread then builds the prefilter's masks and the rules'
  // regexes (scan::Engine::prepare) until stop_preparing().
  PendingEngine(const Options& options, bool prepare);
  // Stops preparing and joins the thread.
  ~PendingEngine();
  PendingEngine(const PendingEngine&) = delete;
  PendingEngine& operator=(const PendingEngine&) = delete;

  // Waits for the load: the engine, or the load's error (a config error for a broken rule file or config).
  // Thread-safe.
  const core::Expected<scan::Engine>& get();

  // The regexes still unbuilt are left to whichever scan thread first needs them. Thread-safe.
  void stop_preparing() { m_stop.store(true, std::memory_order_relaxed); }

private:
  const bool m_exit_after;
  std::optional<core::Expected<scan::Engine>> m_engine;
  std::latch m_loaded{1};
  std::atomic<bool> m_stop{false};
  std::thread m_thread;
};

}  // namespace dsnguard::app
