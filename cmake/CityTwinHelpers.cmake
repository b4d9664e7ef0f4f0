# Shared CMake helpers for CityTwin targets.

# ct_set_warnings(<target>): the project's warning set, optionally as errors.
function(ct_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                           -Wno-sign-conversion -Wnon-virtual-dtor -Wold-style-cast)
  if(CITYTWIN_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# ct_add_test(NAME <name> SOURCES <files...> LIBS <targets...> LABELS <labels...> [GUI])
# Builds one Qt Test executable and registers it with ctest. GUI tests run through
# tools/with-display.sh, which starts Xvfb when no display exists.
function(ct_add_test)
  cmake_parse_arguments(T "GUI" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE Qt6::Test ${T_LIBS})
  target_compile_definitions(${T_NAME} PRIVATE
    CT_FIXTURES_DIR="${PROJECT_SOURCE_DIR}/tests/fixtures"
    CT_ASSETS_DIR="${PROJECT_SOURCE_DIR}/assets"
    CT_BINARY_DIR="${PROJECT_BINARY_DIR}")
  set_target_properties(${T_NAME} PROPERTIES AUTOMOC ON)
  ct_set_warnings(${T_NAME})
  if(T_GUI)
    add_test(NAME ${T_NAME} COMMAND ${PROJECT_SOURCE_DIR}/tools/with-display.sh $<TARGET_FILE:${T_NAME}>)
  else()
    add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "QT_QPA_PLATFORM=xcb;LIBGL_ALWAYS_SOFTWARE=1")
endfunction()
