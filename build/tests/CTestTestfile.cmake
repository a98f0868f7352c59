# CMake generated Testfile for 
# Source directory: /work/main/tests
# Build directory: /work/main/build/tests
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test(config_test "/work/main/build/tests/config_test")
set_tests_properties(config_test PROPERTIES  ENVIRONMENT "PMEMSET_TEST_DIR=/dev/shm" LABELS "" TIMEOUT "600" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;32;add_test;/work/main/tests/core.cmake;3;pmemset_add_test;/work/main/tests/core.cmake;0;;/work/main/tests/CMakeLists.txt;45;include;/work/main/tests/CMakeLists.txt;0;")
add_test(source_test "/work/main/build/tests/source_test")
set_tests_properties(source_test PROPERTIES  ENVIRONMENT "PMEMSET_TEST_DIR=/dev/shm" LABELS "" TIMEOUT "600" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;32;add_test;/work/main/tests/core.cmake;4;pmemset_add_test;/work/main/tests/core.cmake;0;;/work/main/tests/CMakeLists.txt;45;include;/work/main/tests/CMakeLists.txt;0;")
add_test(map_test "/work/main/build/tests/map_test")
set_tests_properties(map_test PROPERTIES  ENVIRONMENT "PMEMSET_TEST_DIR=/dev/shm" LABELS "" TIMEOUT "600" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;32;add_test;/work/main/tests/core.cmake;5;pmemset_add_test;/work/main/tests/core.cmake;0;;/work/main/tests/CMakeLists.txt;45;include;/work/main/tests/CMakeLists.txt;0;")
add_test(part_map_test "/work/main/build/tests/part_map_test")
set_tests_properties(part_map_test PROPERTIES  ENVIRONMENT "PMEMSET_TEST_DIR=/dev/shm" LABELS "" TIMEOUT "600" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;32;add_test;/work/main/tests/core.cmake;6;pmemset_add_test;/work/main/tests/core.cmake;0;;/work/main/tests/CMakeLists.txt;45;include;/work/main/tests/CMakeLists.txt;0;")
add_test(remove_test "/work/main/build/tests/remove_test")
set_tests_properties(remove_test PROPERTIES  ENVIRONMENT "PMEMSET_TEST_DIR=/dev/shm" LABELS "" TIMEOUT "600" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;32;add_test;/work/main/tests/core.cmake;7;pmemset_add_test;/work/main/tests/core.cmake;0;;/work/main/tests/CMakeLists.txt;45;include;/work/main/tests/CMakeLists.txt;0;")
add_test(scale_test "/work/main/build/tests/scale_test")
set_tests_properties(scale_test PROPERTIES  ENVIRONMENT "PMEMSET_TEST_DIR=/dev/shm" LABELS "scale" TIMEOUT "600" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;32;add_test;/work/main/tests/core.cmake;8;pmemset_add_test;/work/main/tests/core.cmake;0;;/work/main/tests/CMakeLists.txt;45;include;/work/main/tests/CMakeLists.txt;0;")
add_test(threads_test "/work/main/build/tests/threads_test")
set_tests_properties(threads_test PROPERTIES  ENVIRONMENT "PMEMSET_TEST_DIR=/dev/shm" LABELS "tsan" TIMEOUT "600" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;32;add_test;/work/main/tests/core.cmake;9;pmemset_add_test;/work/main/tests/core.cmake;0;;/work/main/tests/CMakeLists.txt;45;include;/work/main/tests/CMakeLists.txt;0;")
add_test(doc_synopsis_matches_header "/usr/bin/bash" "/work/main/scripts/check-man-synopsis.sh" "-i" "/work/main/include")
set_tests_properties(doc_synopsis_matches_header PROPERTIES  ENVIRONMENT "CC=/usr/bin/cc" LABELS "doc" TIMEOUT "300" _BACKTRACE_TRIPLES "/work/main/tests/doc.cmake;29;add_test;/work/main/tests/doc.cmake;0;;/work/main/tests/CMakeLists.txt;45;include;/work/main/tests/CMakeLists.txt;0;")
add_test(doc_every_export_has_a_page "/usr/bin/bash" "/work/main/scripts/check-man-exports.sh" "/work/main/build/src/libpmemset.so.1.0.0" "/work/main/build/doc/man")
set_tests_properties(doc_every_export_has_a_page PROPERTIES  ENVIRONMENT "NM=/usr/bin/nm" LABELS "doc" TIMEOUT "300" _BACKTRACE_TRIPLES "/work/main/tests/doc.cmake;44;add_test;/work/main/tests/doc.cmake;0;;/work/main/tests/CMakeLists.txt;45;include;/work/main/tests/CMakeLists.txt;0;")
add_test(doc_pages_render_cleanly "/usr/bin/bash" "/work/main/scripts/check-man-render.sh" "/work/main/build/doc/man")
set_tests_properties(doc_pages_render_cleanly PROPERTIES  LABELS "doc" TIMEOUT "600" _BACKTRACE_TRIPLES "/work/main/tests/doc.cmake;51;add_test;/work/main/tests/doc.cmake;0;;/work/main/tests/CMakeLists.txt;45;include;/work/main/tests/CMakeLists.txt;0;")
