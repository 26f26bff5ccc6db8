# Writes OUT: a C++ file defining dsnguard::app::detail::embedded_hook(name), the text of hooks/<name>
# (pre-commit, pre-push) compiled into the binary so install-hook needs no data files. The e2e test
# hooks_install_test checks that an installed hook is byte-identical to hooks/<name>.
set(_body "// Generated from hooks/ by cmake/EmbedHooks.cmake. Do not edit.\n")
string(APPEND _body "#include <string_view>\n")
string(APPEND _body "namespace dsnguard::app::detail {\n")
string(APPEND _body "std::string_view embedded_hook(std::string_view name)\n{\n")
foreach(_name pre-commit pre-push)
  file(READ ${HOOKS_DIR}/${_name} _content)
  string(APPEND _body "  if (name == \"${_name}\") {\n    return R\"dsnguard_hook(${_content})dsnguard_hook\";\n  }\n")
endforeach()
string(APPEND _body "  return {};\n}\n}\n")
file(WRITE ${OUT}.tmp "${_body}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
