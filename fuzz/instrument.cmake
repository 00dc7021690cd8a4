# Included by the top-level CMakeLists.txt when LADDER_FUZZ is on, before any target is made:
# every target of this build folder gets libFuzzer's coverage hooks and ASan + UBSan, so that the
# fuzz targets see inside the libraries they call. Build only the fuzz targets in such a folder.
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "LADDER_FUZZ needs clang (libFuzzer): configure a separate build folder "
                        "with -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ "
                        "(scripts/fuzz.sh does)")
endif()
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                    -fno-omit-frame-pointer -g)
add_link_options(-fsanitize=address,undefined)
