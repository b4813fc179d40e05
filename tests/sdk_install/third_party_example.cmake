# examples/third_party_plugin, configured with a fresh cmake against the installed prefix
# only, built, and run: the host loads acme.jsonl.JsonLinesBackend by its dotted name from
# the TOML file and the plugin writes one JSON line per call.
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)

set(build ${WORK}/example)
set(output ${build}/metrics.jsonl)
file(REMOVE_RECURSE ${build})
run("configuring the example" COMMAND ${CMAKE_COMMAND}
  -S ${SOURCE_DIR}/examples/third_party_plugin -B ${build} -G Ninja
  -DCMAKE_PREFIX_PATH=${PREFIX}
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
  -DCMAKE_CXX_COMPILER=${CXX}
  -DCMAKE_BUILD_TYPE=${BUILD_TYPE}
  "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
  "-DCMAKE_EXE_LINKER_FLAGS=${EXE_LINKER_FLAGS}"
  "-DCMAKE_SHARED_LINKER_FLAGS=${SHARED_LINKER_FLAGS}"
  "-DCMAKE_MODULE_LINKER_FLAGS=${MODULE_LINKER_FLAGS}"
  -DJSONL_OUTPUT=${output}
  OUTPUT_VARIABLE configure_log)
# The package found is the one just installed, not the build tree or a system copy.
file(STRINGS ${build}/CMakeCache.txt metrics_dir REGEX "^metrics_DIR:")
expect_contains("metrics_DIR" "${metrics_dir}" "${PREFIX}/")
run("building the example" COMMAND ${CMAKE_COMMAND} --build ${build})
if(NOT EXISTS ${build}/acme.jsonl.so)
  message(FATAL_ERROR "metrics_add_plugin did not make ${build}/acme.jsonl.so")
endif()

run("running the example host" COMMAND ${build}/jsonl_host ${build}/jsonl.toml
    OUTPUT_VARIABLE host_out)
expect_contains("the host's output" "${host_out}" "backend: acme.jsonl.JsonLinesBackend")
expect_contains("the host's output" "${host_out}" "emitted: 5")
check_json_lines(${output})

# The installed metricsctl describes the plugin from METRICS_PLUGIN_PATH ...
run("metricsctl describe" COMMAND ${CMAKE_COMMAND} -E env METRICS_PLUGIN_PATH=${build}
    ${PREFIX}/bin/metricsctl describe acme.jsonl.JsonLinesBackend OUTPUT_VARIABLE described)
expect_contains("metricsctl describe" "${described}" "path (string, required)")
expect_contains("metricsctl describe" "${described}" "flush_every (int) default 1")
# ... and refuses a config that lacks the required option.
file(WRITE ${WORK}/no_path.toml
  "[metrics]\nbackend = \"acme.jsonl.JsonLinesBackend\"\nplugin_path = [\"${build}\"]\n")
execute_process(COMMAND ${PREFIX}/bin/metricsctl check ${WORK}/no_path.toml
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0)
  message(FATAL_ERROR "metricsctl check accepted a config without the required 'path':\n${out}")
endif()
expect_contains("metricsctl check without path" "${out}${err}" "path")
