# Install rules: headers, the framework, metricsctl, the shipped plugins (installed by
# metrics_add_shipped_plugin), the CMake package (metrics::framework, metrics::sdk,
# metrics_add_plugin) and a pkg-config file.
include(CMakePackageConfigHelpers)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/sdk/include/ ${PROJECT_SOURCE_DIR}/framework/include/
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT devel)
install(TARGETS metrics_framework metrics_sdk EXPORT metricsTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT devel
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

set(METRICS_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/metrics)
install(EXPORT metricsTargets NAMESPACE metrics:: DESTINATION ${METRICS_CMAKE_DIR} COMPONENT devel)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/metricsConfig.cmake.in
  ${PROJECT_BINARY_DIR}/metricsConfig.cmake INSTALL_DESTINATION ${METRICS_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/metricsConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/metricsConfig.cmake ${PROJECT_BINARY_DIR}/metricsConfigVersion.cmake
        ${PROJECT_SOURCE_DIR}/sdk/cmake/MetricsPlugin.cmake
        DESTINATION ${METRICS_CMAKE_DIR} COMPONENT devel)

configure_file(${PROJECT_SOURCE_DIR}/cmake/metrics.pc.in ${PROJECT_BINARY_DIR}/metrics.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/metrics.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT devel)
