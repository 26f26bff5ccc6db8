// libFuzzer entry point; FUZZ_TARGET_FN is defined per executable by tests/fuzz/CMakeLists.txt.
#include "fuzz/targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  return dsnguard::fuzz::FUZZ_TARGET_FN(data, size);
}
