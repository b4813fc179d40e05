# Install rules: headers, the framework, metricsctl, the shipped plugins (installed by
# metrics_add_shipped_plugin), the CMake package (metrics::framework, metrics::sdk,
# metrics_add_plugin) and a pkg-config file. Everything in the package is relative to the
# prefix it is installed into, so `cmake --install build --prefix <anywhere>` works.
include(CMakePackageConfigHelpers)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/sdk/include/ ${PROJECT_SOURCE_DIR}/framework/include/
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT devel)
install(TARGETS metrics_framework metrics_sdk EXPORT metricsTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT devel
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# An installed metricsctl finds the installed framework without LD_LIBRARY_PATH.
if(TARGET metricsctl)
  file(RELATIVE_PATH _metrics_bin_to_lib ${CMAKE_INSTALL_FULL_BINDIR} ${CMAKE_INSTALL_FULL_LIBDIR})
  set_target_properties(metricsctl PROPERTIES INSTALL_RPATH "$ORIGIN/${_metrics_bin_to_lib}")
endif()

set(METRICS_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/metrics)
install(EXPORT metricsTargets NAMESPACE metrics:: DESTINATION ${METRICS_CMAKE_DIR} COMPONENT devel)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/metricsConfig.cmake.in
  ${PROJECT_BINARY_DIR}/metricsConfig.cmake INSTALL_DESTINATION ${METRICS_CMAKE_DIR}
  PATH_VARS METRICS_INSTALL_PLUGIN_DIR CMAKE_INSTALL_INCLUDEDIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/metricsConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/metricsConfig.cmake ${PROJECT_BINARY_DIR}/metricsConfigVersion.cmake
        ${PROJECT_SOURCE_DIR}/sdk/cmake/MetricsPlugin.cmake
        DESTINATION ${METRICS_CMAKE_DIR} COMPONENT devel)

# pkg-config: the prefix is found from the .pc file's own folder (${pcfiledir}), so the
# file stays right whatever --prefix the install was given.
set(_metrics_pc_dir ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(METRICS_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH _metrics_pc_up "/prefix/${_metrics_pc_dir}" "/prefix")
  string(REGEX REPLACE "/$" "" _metrics_pc_up "${_metrics_pc_up}")
  set(METRICS_PC_PREFIX "\${pcfiledir}/${_metrics_pc_up}")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/metrics.pc.in ${PROJECT_BINARY_DIR}/metrics.pc @ONLY)
# metrics-sdk.pc: only what a plugin needs (abi.h and the helpers), no library.
file(CONFIGURE OUTPUT ${PROJECT_BINARY_DIR}/metrics-sdk.pc @ONLY CONTENT [[
prefix=@METRICS_PC_PREFIX@
includedir=${prefix}/@CMAKE_INSTALL_INCLUDEDIR@
plugindir=${prefix}/@METRICS_INSTALL_PLUGIN_DIR@

Name: metrics-sdk
Description: Headers for writing metrics backend plugins (C ABI and C++ helpers)
Version: @PROJECT_VERSION@
Cflags: -I${includedir}
]])
install(FILES ${PROJECT_BINARY_DIR}/metrics.pc ${PROJECT_BINARY_DIR}/metrics-sdk.pc
        DESTINATION ${_metrics_pc_dir} COMPONENT devel)
