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

# Add a precompiled header for LibTorch to a target: the torch headers dominate build time.
function(ladder_torch_pch target)
    target_precompile_headers(${target} PRIVATE <torch/torch.h>)
endfunction()
