#pragma once
// Exit codes: the documented contract (README "Exit codes"). Keep "found something" and "could not check"
// apart.

namespace dsnguard::app {

inline constexpr int k_exit_clean = 0;       // nothing reported (or all below --fail-on)
inline constexpr int k_exit_findings = 1;    // findings at or above the threshold
inline constexpr int k_exit_usage = 2;       // usage or configuration error (bad flag, broken rule file, ...)
inline constexpr int k_exit_incomplete = 3;  // something could not be read; the rest was scanned and reported
// verify: 4 and above, one per triage class (see verify/triage.hpp).

}  // namespace dsnguard::app
