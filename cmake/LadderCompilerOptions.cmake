# Compiler settings shared by every Ladder target, through the INTERFACE target ladder::options.

find_program(LADDER_CCACHE ccache)
if(LADDER_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
    set(CMAKE_C_COMPILER_LAUNCHER "${LADDER_CCACHE}")
    set(CMAKE_CXX_COMPILER_LAUNCHER "${LADDER_CCACHE}")
    message(STATUS "Ladder: compiling through ccache (${LADDER_CCACHE})")
endif()

add_library(ladder_options INTERFACE)
add_library(ladder::options ALIAS ladder_options)
target_compile_features(ladder_options INTERFACE cxx_std_20)
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(ladder_options INTERFACE
        -Wall -Wextra -Wpedantic -Wno-unused-parameter
        # LibTorch headers trip these under C++20; they are not ours to fix.
        -Wno-deprecated-declarations -Wno-missing-field-initializers)
endif()
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 reports std::string members of aggregates as maybe-uninitialized at -O2 (false
    # positives inside libstdc++).
    target_compile_options(ladder_options INTERFACE -Wno-maybe-uninitialized)
endif()

# The LibTorch headers dominate build time: parsing <torch/torch.h> takes about 13 s per translation
# unit, loading it precompiled about 10 s (the header is 630 MB precompiled), so the precompiled
# header pays only where a source uses LibTorch. Every target that has such sources shares one
# precompiled <torch/torch.h> (twelve were made before, one per target) and its sources that do not
# include LibTorch, directly or through one of Ladder's headers, skip it. Two hosts, because GCC will
# not use a header precompiled with -fPIC in a -fPIE compilation ("created and used with different
# settings of -fpie"): one for the libraries (-fPIC) and one for the executables (-fPIE). Where a
# source's flags differ from its host's, GCC says so (-Winvalid-pch) and reads the header as text:
# slower, never wrong; a source whose LibTorch include the scan misses compiles slower, no worse.

# The #include lines of `path`, as one string.
function(ladder_read_includes path out)
    file(STRINGS "${path}" includes REGEX "^[ \t]*#[ \t]*include")
    string(REPLACE ";" " " includes "${includes}")
    set(${out} "${includes}" PARENT_SCOPE)
endfunction()

# Whether `includes` (from ladder_read_includes) name LibTorch or one of `torch_headers`.
function(ladder_includes_torch includes torch_headers out)
    set(uses FALSE)
    if(includes MATCHES "<(torch|ATen|c10)/")
        set(uses TRUE)
    else()
        foreach(t IN LISTS torch_headers)
            string(FIND "${includes}" "\"${t}\"" at)
            if(NOT at EQUAL -1)
                set(uses TRUE)
                break()
            endif()
        endforeach()
    endif()
    set(${out} ${uses} PARENT_SCOPE)
endfunction()

# Ladder's headers that include LibTorch, themselves or through another of them (a fixed point over
# their #include lines), in the global property LADDER_TORCH_HEADERS as "core/model/llama.h" etc.
function(ladder_find_torch_headers)
    get_property(done GLOBAL PROPERTY LADDER_TORCH_HEADERS_SCANNED)
    if(done)
        return()
    endif()
    file(GLOB_RECURSE pending RELATIVE "${PROJECT_SOURCE_DIR}"
         "${PROJECT_SOURCE_DIR}/core/*.h" "${PROJECT_SOURCE_DIR}/tests/*.h"
         "${PROJECT_SOURCE_DIR}/app/*.h" "${PROJECT_SOURCE_DIR}/bench/*.h")
    foreach(h IN LISTS pending)
        string(MAKE_C_IDENTIFIER "${h}" key)
        ladder_read_includes("${PROJECT_SOURCE_DIR}/${h}" includes_${key})
    endforeach()
    set(torch_headers "")
    set(changed TRUE)
    while(changed)
        set(changed FALSE)
        foreach(h IN LISTS pending)
            string(MAKE_C_IDENTIFIER "${h}" key)
            ladder_includes_torch("${includes_${key}}" "${torch_headers}" uses)
            if(uses)
                list(APPEND torch_headers "${h}")
                list(REMOVE_ITEM pending "${h}")
                set(changed TRUE)
            endif()
        endforeach()
    endwhile()
    set_property(GLOBAL PROPERTY LADDER_TORCH_HEADERS "${torch_headers}")
    set_property(GLOBAL PROPERTY LADDER_TORCH_HEADERS_SCANNED TRUE)
endfunction()

# Whether the source file `path` includes LibTorch or one of Ladder's headers that do.
function(ladder_source_uses_torch path out)
    ladder_find_torch_headers()
    get_property(torch_headers GLOBAL PROPERTY LADDER_TORCH_HEADERS)
    ladder_read_includes("${path}" includes)
    ladder_includes_torch("${includes}" "${torch_headers}" uses)
    set(${out} ${uses} PARENT_SCOPE)
endfunction()

function(ladder_torch_pch target)
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "EXECUTABLE")
        set(host ladder_torch_pch_exe)
    else()
        set(host ladder_torch_pch_lib)
    endif()
    if(NOT TARGET ${host})
        add_library(${host} OBJECT "${PROJECT_SOURCE_DIR}/cmake/torch_pch_host.cpp")
        target_link_libraries(${host} PRIVATE torch ladder::options)
        target_precompile_headers(${host} PRIVATE <torch/torch.h>)
        if(host STREQUAL "ladder_torch_pch_exe")
            # What CMake gives executables with POSITION_INDEPENDENT_CODE: -fPIE, not -fPIC.
            set_target_properties(${host} PROPERTIES POSITION_INDEPENDENT_CODE OFF)
            target_compile_options(${host} PRIVATE ${CMAKE_CXX_COMPILE_OPTIONS_PIE})
        endif()
    endif()
    target_precompile_headers(${target} REUSE_FROM ${host})
    get_target_property(sources ${target} SOURCES)
    get_target_property(source_dir ${target} SOURCE_DIR)
    foreach(source IN LISTS sources)
        if(source MATCHES "\\$<" OR NOT source MATCHES "\\.(cpp|cc|cxx)$")
            continue()
        endif()
        cmake_path(ABSOLUTE_PATH source BASE_DIRECTORY "${source_dir}" OUTPUT_VARIABLE path)
        ladder_source_uses_torch("${path}" uses)
        if(NOT uses)
            set_source_files_properties("${path}" TARGET_DIRECTORY ${target}
                                        PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
        endif()
    endforeach()
endfunction()
