# Third-party dependencies, all from the distribution's packages (scripts/install-deps.sh installs them).
# Every lookup honours CMAKE_PREFIX_PATH, so a CUDA LibTorch or a prefix made by
# scripts/gpu-deps.sh (Debian packages unpacked into a folder) works the same way.

# LibTorch: Debian's libtorch-dev, or a CUDA build given through CMAKE_PREFIX_PATH (the torch
# package folder of a PyPI wheel: scripts/build.sh with LADDER_TORCH=pypi).
find_package(Torch REQUIRED)
message(STATUS "Ladder: LibTorch ${Torch_VERSION} from ${Torch_DIR}")
# TorchConfig finds c10 with find_library, which searches the system before the package: with only
# <torch>/share/cmake on CMAKE_PREFIX_PATH it takes Debian's libc10.so beside a wheel's libtorch.
string(FIND "${c10_LIBRARY}" "${TORCH_INSTALL_PREFIX}/" c10_in_prefix)
if(c10_LIBRARY AND NOT c10_in_prefix EQUAL 0)
    message(FATAL_ERROR "LibTorch from ${TORCH_INSTALL_PREFIX} but c10 from ${c10_LIBRARY}: put the "
                        "LibTorch folder itself on CMAKE_PREFIX_PATH (not only its share/cmake), "
                        "in a fresh build folder")
endif()

# A wheel's libtorch_cuda finds the CUDA libraries of the nvidia-* wheels beside it through its own
# RPATH at run time. The linker, checking its symbols, looks on the executable's -rpath first and
# would take the CUDA toolkit's older copies there (libnccl.so.2: undefined ncclCommGrow...).
file(GLOB nvidia_lib_dirs LIST_DIRECTORIES true "${TORCH_INSTALL_PREFIX}/../nvidia/*/lib")
if(nvidia_lib_dirs)
    list(JOIN nvidia_lib_dirs ":" nvidia_lib_path)
    add_link_options("LINKER:-rpath-link,${nvidia_lib_path}")
endif()

find_package(nlohmann_json 3.9 REQUIRED)
find_package(spdlog REQUIRED)
# PyPI's torch wheel ships fmt headers of its own (torch/include/fmt, a newer major version) in the
# include folder that every user of torch gets, while the system's spdlog was built against the
# system's fmt. A folder that holds only the system's fmt goes first among torch's include folders,
# so <fmt/...> is the system's everywhere. (LibTorch's headers that Ladder includes use no fmt.)
if(TARGET fmt::fmt AND EXISTS "${TORCH_INSTALL_PREFIX}/include/fmt")
    get_target_property(fmt_include_dirs fmt::fmt INTERFACE_INCLUDE_DIRECTORIES)
    find_path(LADDER_SYSTEM_FMT_DIR fmt/format.h PATHS ${fmt_include_dirs} NO_DEFAULT_PATH REQUIRED)
    if(NOT LADDER_SYSTEM_FMT_DIR STREQUAL "${TORCH_INSTALL_PREFIX}/include")
        set(shadow "${PROJECT_BINARY_DIR}/system-fmt")
        file(MAKE_DIRECTORY "${shadow}")
        file(CREATE_LINK "${LADDER_SYSTEM_FMT_DIR}/fmt" "${shadow}/fmt" SYMBOLIC)
        get_target_property(torch_include_dirs torch INTERFACE_INCLUDE_DIRECTORIES)
        set_target_properties(torch PROPERTIES INTERFACE_INCLUDE_DIRECTORIES
                              "${shadow};${torch_include_dirs}")
        message(STATUS "Ladder: fmt from ${LADDER_SYSTEM_FMT_DIR} (spdlog's), not LibTorch's")
    endif()
endif()
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
