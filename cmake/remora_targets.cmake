# Helpers shared by every folder's CMakeLists.txt.
include(GoogleTest)

# remora_add_test(NAME name LABEL unit|integration|e2e [AREA area] SOURCES ... LIBS ...)
# One gtest executable; every TEST is registered with ctest under the label.
# With AREA (e.g. kv), each test is also named "<area>_<Suite>.<Case>" and
# labelled <area> as well, so `ctest -L kv` and `ctest -R kv` select the area.
# gtest_discover_tests' PROPERTIES cannot carry a list, so the second label is
# set by a CTest script run after discovery on the <target>_TESTS list it
# leaves behind (as GoogleTest.cmake documents for per-test properties).
function(remora_add_test)
  cmake_parse_arguments(T "" "NAME;LABEL;TIMEOUT;AREA" "SOURCES;LIBS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  set(prefix "")
  if(T_AREA)
    set(prefix "${T_AREA}_")
  endif()
  gtest_discover_tests(${T_NAME}
    TEST_PREFIX "${prefix}"
    PROPERTIES LABELS ${T_LABEL} TIMEOUT ${T_TIMEOUT} ENVIRONMENT "REMORA_SOURCE_DIR=${CMAKE_SOURCE_DIR}"
    DISCOVERY_TIMEOUT 60)
  target_compile_definitions(${T_NAME} PRIVATE
    REMORA_TEST_SOURCE_DIR="${CMAKE_SOURCE_DIR}" REMORA_TEST_BINARY_DIR="${CMAKE_BINARY_DIR}")
  if(T_AREA)
    set(labels_script "${CMAKE_CURRENT_BINARY_DIR}/${T_NAME}_labels.cmake")
    file(WRITE "${labels_script}"
      "if(${T_NAME}_TESTS)\n"
      "  set_tests_properties(\${${T_NAME}_TESTS} PROPERTIES LABELS \"${T_LABEL};${T_AREA}\")\n"
      "endif()\n")
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${labels_script}")
  endif()
endfunction()

# remora_add_fuzz(NAME name SOURCES ... LIBS ... CORPUS dir)
# A LLVMFuzzerTestOneInput target. Every build links it with a small driver that
# replays the committed corpus (ctest label "fuzz"); -DREMORA_LIBFUZZER=ON with
# clang links it with libFuzzer instead for open-ended fuzzing.
function(remora_add_fuzz)
  cmake_parse_arguments(F "" "NAME;CORPUS" "SOURCES;LIBS" ${ARGN})
  add_executable(${F_NAME} ${F_SOURCES})
  target_link_libraries(${F_NAME} PRIVATE ${F_LIBS})
  if(REMORA_LIBFUZZER)
    target_compile_options(${F_NAME} PRIVATE -fsanitize=fuzzer)
    target_link_options(${F_NAME} PRIVATE -fsanitize=fuzzer)
  else()
    target_sources(${F_NAME} PRIVATE ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus_driver.cc)
    add_test(NAME ${F_NAME}_corpus COMMAND ${F_NAME} ${F_CORPUS})
    set_tests_properties(${F_NAME}_corpus PROPERTIES LABELS fuzz TIMEOUT 300)
  endif()
endfunction()
