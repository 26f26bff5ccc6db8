#include "app/pending_engine.hpp"

#include "app/pipeline.hpp"

namespace dsnguard::app {

PendingEngine::PendingEngine(const Options& options, bool prepare)
    : m_thread([this, &options, prepare] {
        m_engine.emplace(load_engine(options));
        m_loaded.count_down();
        if (prepare && *m_engine) {
          (*m_engine)->prepare(m_stop);
        }
      })
{
}

PendingEngine::~PendingEngine()
{
  stop_preparing();
  m_thread.join();
}

const core::Expected<scan::Engine>& PendingEngine::get()
{
  m_loaded.wait();
  return *m_engine;
}

}  // namespace dsnguard::app
