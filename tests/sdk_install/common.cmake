# Helpers for the sdk_install scripts (run with cmake -P).
cmake_minimum_required(VERSION 3.25)
set(PREFIX ${WORK}/prefix)

# run(<what> COMMAND ... [OUTPUT_VARIABLE var]): runs a command, fails the test with its
# output when it does not exit 0.
function(run what)
  cmake_parse_arguments(ARG "" "OUTPUT_VARIABLE" "COMMAND" ${ARGN})
  execute_process(COMMAND ${ARG_COMMAND} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARG_COMMAND}")
    message(FATAL_ERROR "${what} failed (${rc}):\n  ${cmd}\n${out}\n${err}")
  endif()
  if(ARG_OUTPUT_VARIABLE)
    set(${ARG_OUTPUT_VARIABLE} "${out}" PARENT_SCOPE)
  endif()
endfunction()

function(expect_contains what text needle)
  string(FIND "${text}" "${needle}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${what}: expected to find\n  ${needle}\nin\n${text}")
  endif()
endfunction()

# check_json_lines(<file>): the lines the example host's calls must produce, in order.
function(check_json_lines file)
  if(NOT EXISTS ${file})
    message(FATAL_ERROR "the backend wrote no file ${file}")
  endif()
  file(STRINGS ${file} lines)
  list(LENGTH lines n)
  if(NOT n EQUAL 6)
    file(READ ${file} all)
    message(FATAL_ERROR "expected 6 JSON lines in ${file}, saw ${n}:\n${all}")
  endif()
  # kind name field value, one per line; every line carries the config's tag.
  set(expected
    "counter|shop.orders|value|1"
    "gauge|shop.queue.depth|value|12.5"
    "timing|shop.db.query|value|7.25"
    "distribution|shop.payload|value|512"
    "set|shop.users.active|member|alice"
    "event|deploy|text|version \"1.2\" is live")
  foreach(i RANGE 5)
    list(GET lines ${i} line)
    list(GET expected ${i} want)
    string(REPLACE "|" ";" want "${want}")
    list(GET want 0 kind)
    list(GET want 1 name)
    list(GET want 2 field)
    list(GET want 3 value)
    string(JSON got_kind ERROR_VARIABLE e GET "${line}" kind)
    if(e)
      message(FATAL_ERROR "line ${i} is not the JSON expected (${e}): ${line}")
    endif()
    if(kind STREQUAL "event")
      string(JSON got_name GET "${line}" title)
    else()
      string(JSON got_name GET "${line}" name)
    endif()
    string(JSON got_value GET "${line}" ${field})
    string(JSON got_service GET "${line}" tags service)
    if(NOT got_kind STREQUAL kind OR NOT got_name STREQUAL name OR NOT got_value STREQUAL value
       OR NOT got_service STREQUAL "checkout")
      message(FATAL_ERROR "line ${i}: expected ${kind} ${name} ${field}=${value} "
                          "tags.service=checkout, saw:\n  ${line}")
    endif()
  endforeach()
  list(GET lines 0 line)
  string(JSON region GET "${line}" tags region)
  string(JSON status GET "${line}" tags status)
  list(GET lines 2 line)
  string(JSON instance GET "${line}" instance)
  list(GET lines 3 line)
  string(JSON unit GET "${line}" unit)
  if(NOT region STREQUAL "eu" OR NOT status STREQUAL "200" OR NOT instance STREQUAL "replica-2"
     OR NOT unit STREQUAL "byte")
    message(FATAL_ERROR "call tags, instance or unit lost: region=${region} status=${status} "
                        "instance=${instance} unit=${unit}")
  endif()
endfunction()
