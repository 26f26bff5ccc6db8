# Warnings for our own targets only (third-party headers are included as system headers).
add_library(dsnguard_warnings INTERFACE)
target_compile_options(dsnguard_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual -Wnull-dereference -Wcast-align
  $<$<BOOL:${DSNGUARD_WERROR}>:-Werror>)
