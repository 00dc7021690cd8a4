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

# The LibTorch headers dominate build time (about 45 s to precompile them, 20-60 s per translation
# unit without): every target that uses them shares one precompiled <torch/torch.h> instead of
# making its own (twelve of them before). Two hosts, because GCC will not use a header precompiled
# with -fPIC in a -fPIE compilation ("created and used with different settings of -fpie"): one
# for the libraries (-fPIC) and one for the executables (-fPIE). A target must compile with the
# same flags and definitions as its host for the header to be used; where it is not, GCC says so
# (-Winvalid-pch) and reads the header as text: slower, never wrong.
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
endfunction()
