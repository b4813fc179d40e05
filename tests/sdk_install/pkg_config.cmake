# No CMake package: the example's plugin and host compiled by hand with the flags that
# `pkg-config metrics-sdk` and `pkg-config metrics` give for the installed prefix.
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)

set(build ${WORK}/pkg-config)
file(REMOVE_RECURSE ${build})
file(MAKE_DIRECTORY ${build})
set(env ${CMAKE_COMMAND} -E env --unset=PKG_CONFIG_LIBDIR
    PKG_CONFIG_PATH=${PREFIX}/${LIBDIR}/pkgconfig)
run("pkg-config metrics-sdk" COMMAND ${env} ${PKG_CONFIG} --cflags metrics-sdk
    OUTPUT_VARIABLE sdk_flags)
run("pkg-config metrics" COMMAND ${env} ${PKG_CONFIG} --cflags --libs metrics
    OUTPUT_VARIABLE host_flags)
run("pkg-config metrics plugindir" COMMAND ${env} ${PKG_CONFIG} --variable=plugindir metrics
    OUTPUT_VARIABLE plugindir)
string(STRIP "${plugindir}" plugindir)
file(REAL_PATH "${plugindir}" plugindir)
file(REAL_PATH "${PREFIX}/${LIBDIR}/metrics/plugins" want_plugindir)
if(NOT plugindir STREQUAL want_plugindir)
  message(FATAL_ERROR "plugindir is ${plugindir}, expected ${want_plugindir}")
endif()
separate_arguments(sdk_flags UNIX_COMMAND "${sdk_flags}")
separate_arguments(host_flags UNIX_COMMAND "${host_flags}")
separate_arguments(cxx_flags UNIX_COMMAND "${CXX_FLAGS}")
separate_arguments(module_flags UNIX_COMMAND "${MODULE_LINKER_FLAGS}")
separate_arguments(exe_flags UNIX_COMMAND "${EXE_LINKER_FLAGS}")

set(example ${SOURCE_DIR}/examples/third_party_plugin)
run("compiling the plugin" COMMAND ${CXX} -std=c++20 ${cxx_flags} ${sdk_flags} -shared -fPIC
    -fvisibility=hidden -fvisibility-inlines-hidden ${module_flags}
    -o ${build}/acme.jsonl.so ${example}/jsonl_backend.cpp)
run("compiling the host" COMMAND ${CXX} ${cxx_flags} ${exe_flags} -o ${build}/jsonl_host
    ${example}/host.cpp ${host_flags})

set(output ${build}/metrics.jsonl)
# The example's config template, filled in as its CMakeLists.txt does.
set(CMAKE_CURRENT_BINARY_DIR ${build})
set(JSONL_OUTPUT ${output})
configure_file(${example}/jsonl.toml.in ${build}/jsonl.toml @ONLY)
run("running the host" COMMAND ${CMAKE_COMMAND} -E env LD_LIBRARY_PATH=${PREFIX}/${LIBDIR}
    ${build}/jsonl_host ${build}/jsonl.toml OUTPUT_VARIABLE host_out)
expect_contains("the host's output" "${host_out}" "emitted: 5")
check_json_lines(${output})
