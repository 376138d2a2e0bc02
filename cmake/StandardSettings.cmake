# Warning and sanitizer settings as INTERFACE targets; modules link them, nothing is global.
add_library(tf_warnings INTERFACE)
target_compile_options(tf_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough
  $<$<BOOL:${TF_WERROR}>:-Werror>
  # g++ 12 reports false positives inside libstdc++ (std::regex, std::string) once optimising:
  # they stay warnings, never errors.
  $<$<AND:$<BOOL:${TF_WERROR}>,$<CXX_COMPILER_ID:GNU>>:-Wno-error=maybe-uninitialized -Wno-error=restrict>)

add_library(tf_sanitizers INTERFACE)
if(TF_SANITIZE)
  target_compile_options(tf_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(tf_sanitizers INTERFACE -fsanitize=address,undefined)
endif()

# tf_module(NAME DEPS...) builds src/NAME/*.cpp into the static library tf_NAME.
function(tf_module name)
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${name}/*.cpp)
  if(sources)
    add_library(tf_${name} STATIC ${sources})
    target_include_directories(tf_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(tf_${name} PUBLIC ${ARGN} PRIVATE tf_warnings tf_sanitizers)
  else()  # header-only so far
    add_library(tf_${name} INTERFACE)
    target_include_directories(tf_${name} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(tf_${name} INTERFACE ${ARGN})
  endif()
endfunction()
