# cmake --install of this build into ${WORK}/prefix, and the files a third party needs.
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)

file(REMOVE_RECURSE ${PREFIX})
run("cmake --install" COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX})
foreach(f
    include/metrics/abi.h include/metrics/sdk.hpp include/metrics/sdk/module.hpp
    include/metrics/metrics.hpp
    ${LIBDIR}/libmetrics_framework.so
    ${LIBDIR}/cmake/metrics/metricsConfig.cmake ${LIBDIR}/cmake/metrics/metricsConfigVersion.cmake
    ${LIBDIR}/cmake/metrics/metricsTargets.cmake ${LIBDIR}/cmake/metrics/MetricsPlugin.cmake
    ${LIBDIR}/pkgconfig/metrics.pc ${LIBDIR}/pkgconfig/metrics-sdk.pc
    bin/metricsctl)
  if(NOT EXISTS ${PREFIX}/${f})
    message(FATAL_ERROR "the install has no ${f} under ${PREFIX}")
  endif()
endforeach()
file(GLOB plugins ${PREFIX}/${LIBDIR}/metrics/plugins/*.so)
if(NOT plugins)
  message(FATAL_ERROR "no shipped plugin under ${PREFIX}/${LIBDIR}/metrics/plugins")
endif()
# Nothing in the package may point back into the build or source tree.
file(GLOB_RECURSE package_files ${PREFIX}/${LIBDIR}/cmake/metrics/*.cmake
     ${PREFIX}/${LIBDIR}/pkgconfig/*.pc)
foreach(f IN LISTS package_files)
  file(READ ${f} text)
  foreach(tree ${BUILD_DIR} ${SOURCE_DIR})
    string(FIND "${text}" "${tree}" at)
    if(NOT at EQUAL -1)
      message(FATAL_ERROR "${f} refers to ${tree}; the package must be relocatable")
    endif()
  endforeach()
endforeach()
