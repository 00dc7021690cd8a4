# Included by the top-level CMakeLists.txt when LADDER_SANITIZE is set, before any target is made:
# every target of the build folder is compiled and linked with those sanitizers, so use a folder of
# its own (the presets asan and tsan in CMakePresets.json; scripts/sanitize.sh builds and runs
# them). LADDER_SANITIZE is the -fsanitize list: "address,undefined" or "thread".
# LibTorch, Qt, SQLite and the other system libraries stay uninstrumented: scripts/sanitize.sh
# says which test programs that leaves to run, and why.
if(LADDER_SANITIZE MATCHES "thread" AND LADDER_SANITIZE MATCHES "address")
    message(FATAL_ERROR "LADDER_SANITIZE: ThreadSanitizer and AddressSanitizer do not mix; "
                        "build them in two folders (presets tsan and asan)")
endif()
add_compile_options(-fsanitize=${LADDER_SANITIZE} -fno-omit-frame-pointer -g)
add_link_options(-fsanitize=${LADDER_SANITIZE})
if(LADDER_SANITIZE MATCHES "undefined")
    # A report fails the test that causes it, instead of a line in its output nobody reads.
    add_compile_options(-fno-sanitize-recover=all)
endif()
message(STATUS "Ladder: sanitizers ${LADDER_SANITIZE} on every target of this build folder")
