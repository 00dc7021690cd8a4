# Third-party dependencies, all from the distribution's packages (scripts/install-deps.sh installs them).
# Every lookup honours CMAKE_PREFIX_PATH, so a CUDA LibTorch or a prefix made by
# scripts/gpu-deps.sh (Debian packages unpacked into a folder) works the same way.

# LibTorch: Debian's libtorch-dev, or a CUDA build given through CMAKE_PREFIX_PATH.
find_package(Torch REQUIRED)
message(STATUS "Ladder: LibTorch ${Torch_VERSION} from ${Torch_DIR}")

find_package(nlohmann_json 3.9 REQUIRED)
find_package(spdlog REQUIRED)
find_package(Threads REQUIRED)

# SQLite: CMake's own FindSQLite3 (searches CMAKE_PREFIX_PATH).
find_package(SQLite3 REQUIRED)

# Small C libraries without CMake packages: header + library, as imported targets.
function(ladder_find_c_library target header library)
    string(MAKE_C_IDENTIFIER "${target}" var)
    find_path(${var}_INCLUDE_DIR ${header} REQUIRED)
    find_library(${var}_LIBRARY ${library} REQUIRED)
    add_library(${target} UNKNOWN IMPORTED GLOBAL)
    set_target_properties(${target} PROPERTIES
        IMPORTED_LOCATION "${${var}_LIBRARY}"
        INTERFACE_INCLUDE_DIRECTORIES "${${var}_INCLUDE_DIR}")
    message(STATUS "Ladder: ${target} from ${${var}_LIBRARY}")
endfunction()

# PCRE2 (8-bit code units, UTF mode) for the tokenizers' Unicode pre-tokenizer patterns.
ladder_find_c_library(ladder::pcre2 pcre2.h pcre2-8)
set_property(TARGET ladder::pcre2 PROPERTY INTERFACE_COMPILE_DEFINITIONS PCRE2_CODE_UNIT_WIDTH=8)
# utf8proc: Unicode NFC normalisation of prompt text.
ladder_find_c_library(ladder::utf8proc utf8proc.h utf8proc)
# xxHash: content hashes of imported files and model weights.
ladder_find_c_library(ladder::xxhash xxhash.h xxhash)

# CLI11 (header-only) for ladder-cli.
find_package(CLI11 CONFIG REQUIRED)

if(LADDER_BUILD_TESTS)
    find_package(GTest REQUIRED)
    include(GoogleTest)
endif()

if(LADDER_WITH_GUI)
    find_package(Qt6 6.2 REQUIRED COMPONENTS Core Gui Widgets Svg PrintSupport Test)
    find_package(QCustomPlotQt6 REQUIRED)
    message(STATUS "Ladder: Qt ${Qt6_VERSION}, QCustomPlot from ${QCustomPlotQt6_DIR}")
endif()
