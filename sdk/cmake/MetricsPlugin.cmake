# metrics_add_plugin(<target> MODULE <dotted.module.name> SOURCES <src>...
#                    [OUTPUT_DIRECTORY <dir>])
#
# Builds a backend module as a loadable shared object named "<dotted.module.name>.so"
# (the host finds module `acme.jsonl` in a file `acme.jsonl.so`), linked to metrics::sdk
# (abi.h and the C++ helpers, C++20), position-independent, with hidden visibility so that
# only the entry symbol (metrics_module_entry, marked METRICS_ABI_EXPORT) is exported, and
# on ELF platforms with the symbols of static libraries it links kept private too.
# Sources may be C or C++. The target is an ordinary CMake target: link more libraries to
# it, or install it with install(TARGETS <target> LIBRARY DESTINATION ...).
#
# Used by the shipped plugins and, from an installed package (find_package(metrics)), by
# third parties.
function(metrics_add_plugin target)
  cmake_parse_arguments(ARG "" "MODULE;OUTPUT_DIRECTORY" "SOURCES" ${ARGN})
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "metrics_add_plugin(${target}): unknown arguments: "
                        "${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_MODULE)
    message(FATAL_ERROR "metrics_add_plugin(${target}): MODULE <dotted.name> is required")
  endif()
  if(NOT ARG_MODULE MATCHES "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$")
    message(FATAL_ERROR "metrics_add_plugin(${target}): '${ARG_MODULE}' is not a dotted name "
                        "of identifiers such as 'acme.jsonl'")
  endif()
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "metrics_add_plugin(${target}): SOURCES is required")
  endif()
  if(NOT TARGET metrics::sdk)
    message(FATAL_ERROR "metrics_add_plugin(${target}): metrics::sdk is not defined; "
                        "call find_package(metrics REQUIRED) first")
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
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    # Symbols of static archives linked in stay inside the module.
    target_link_options(${target} PRIVATE "LINKER:--exclude-libs,ALL")
  endif()
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIRECTORY}")
  endif()
endfunction()
