#include "app/pending_engine.hpp"

#include <memory>

#include "app/pipeline.hpp"
#include "util/exit_keep.hpp"

namespace dsnguard::app {

PendingEngine::PendingEngine(const Options& options, bool prepare)
    : m_exit_after(options.exit_after),
      m_thread([this, &options, prepare] {
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
  if (m_exit_after && m_engine && *m_engine) {
    // The process is about to exit: RE2's programs and DFA caches are not freed one by one now (~1 ms).
    util::leave_to_exit(std::make_shared<const scan::Engine>(**m_engine));
  }
}

const core::Expected<scan::Engine>& PendingEngine::get()
{
  m_loaded.wait();
  return *m_engine;
}

}  // namespace dsnguard::app
