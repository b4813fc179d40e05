# metrics_add_plugin(<target> MODULE <dotted.module.name> SOURCES <src>...
#                    [OUTPUT_DIRECTORY <dir>] [C])
#
# Builds a backend module as a shared object named "<dotted.module.name>.so", with hidden
# visibility so that only the entry symbol (metrics_module_entry) is exported, linked to
# metrics::sdk. Used by the shipped plugins and, once installed, by third parties.
function(metrics_add_plugin target)
  cmake_parse_arguments(ARG "" "MODULE;OUTPUT_DIRECTORY" "SOURCES" ${ARGN})
  if(NOT ARG_MODULE)
    message(FATAL_ERROR "metrics_add_plugin(${target}): MODULE <dotted.name> is required")
  endif()
  if(NOT ARG_MODULE MATCHES "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$")
    message(FATAL_ERROR "metrics_add_plugin(${target}): '${ARG_MODULE}' is not a dotted name "
                        "of identifiers such as 'acme.jsonl'")
  endif()
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE metrics::sdk)
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "${ARG_MODULE}"
    SUFFIX ".so"
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    POSITION_INDEPENDENT_CODE ON)
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIRECTORY}")
  endif()
endfunction()
