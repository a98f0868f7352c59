# CMake generated Testfile for 
# Source directory: /work/main/examples
# Build directory: /work/main/build/examples
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test(example_basic "/usr/bin/cmake" "-DCMD=/work/main/build/examples/basic" "-DEXPECT=part map 0: 128 KiB@@part map 1: 128 KiB@@part map 2: 128 KiB@@3 part maps" "-P" "/work/main/cmake/run_and_check.cmake")
set_tests_properties(example_basic PROPERTIES  ENVIRONMENT "PMEMSET_TEST_DIR=/dev/shm" LABELS "example" TIMEOUT "300" _BACKTRACE_TRIPLES "/work/main/examples/CMakeLists.txt;17;add_test;/work/main/examples/core.cmake;2;pmemset_add_example;/work/main/examples/core.cmake;0;;/work/main/examples/CMakeLists.txt;29;include;/work/main/examples/CMakeLists.txt;0;")
