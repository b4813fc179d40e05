# Installs the Etsy statsd daemon (npm package statsd, pinned by package-lock.json) into
# DEST, once: `npm ci` from the committed lockfile, optional dependencies left out.
# Invoked by the ctest fixture statsd_daemon_install:
#   cmake -DNPM=<npm> -DSRC=<this folder> -DDEST=<build folder> -P install.cmake
file(MAKE_DIRECTORY ${DEST})
set(stamp ${DEST}/node_modules/.metrics-installed)
file(SHA256 ${SRC}/package-lock.json want)
if(EXISTS ${stamp})
  file(READ ${stamp} have)
  if(have STREQUAL want AND EXISTS ${DEST}/node_modules/statsd/stats.js)
    message(STATUS "statsd daemon already installed in ${DEST}")
    return()
  endif()
endif()
configure_file(${SRC}/package.json ${DEST}/package.json COPYONLY)
configure_file(${SRC}/package-lock.json ${DEST}/package-lock.json COPYONLY)
execute_process(
  COMMAND ${NPM} ci --omit=optional --no-audit --no-fund --ignore-scripts
  WORKING_DIRECTORY ${DEST}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "npm ci failed (${rc}); the statsd daemon tests need npm and the npm registry")
endif()
if(NOT EXISTS ${DEST}/node_modules/statsd/stats.js)
  message(FATAL_ERROR "npm ci ran but node_modules/statsd/stats.js is missing")
endif()
file(WRITE ${stamp} "${want}")
