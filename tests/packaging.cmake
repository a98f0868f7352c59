# SPDX-License-Identifier: BSD-3-Clause
# The public headers compile alone as C99 and as C++ (a build failure is
# the test failing).
add_library(header_c99_check OBJECT packaging/header_c99.c)
set_target_properties(header_c99_check PROPERTIES C_STANDARD 99
	C_EXTENSIONS OFF)
target_compile_options(header_c99_check PRIVATE -pedantic -Wall -Wextra)
target_link_libraries(header_c99_check PRIVATE PkgConfig::PMEMSET_LIBPMEM2)
target_include_directories(header_c99_check PRIVATE ${PROJECT_SOURCE_DIR}/include)
add_library(header_cxx_check OBJECT packaging/header_cxx.cpp)
set_target_properties(header_cxx_check PROPERTIES CXX_STANDARD 11)
target_compile_options(header_cxx_check PRIVATE -Wall -Wextra)
target_link_libraries(header_cxx_check PRIVATE PkgConfig::PMEMSET_LIBPMEM2)
target_include_directories(header_cxx_check PRIVATE ${PROJECT_SOURCE_DIR}/include)

# install into a scratch prefix and build an outside program both ways;
# not in sanitizer builds (an outside program cannot link them plainly)
if(NOT PMEMSET_ASAN AND NOT PMEMSET_TSAN AND NOT PMEMSET_COVERAGE)
	set(expect_man OFF)
	if(PMEMSET_DOC AND TARGET man_pages)
		set(expect_man ON)
	endif()
	add_test(NAME install_test
		COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/packaging/install_test.sh
			${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR})
	set_tests_properties(install_test PROPERTIES LABELS "packaging"
		ENVIRONMENT "PMEMSET_TEST_DIR=${PMEMSET_TEST_DIR};EXPECT_MAN=${expect_man}"
		TIMEOUT 300)
endif()

# libpmemset.a exposes only the public names (an application's own
# mem_alloc or log_write must not collide with ours)
if(PMEMSET_STATIC AND NOT PMEMSET_ASAN AND NOT PMEMSET_TSAN
		AND NOT PMEMSET_COVERAGE)
	add_test(NAME static_symbols_test
		COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/packaging/static_symbols_test.sh
			${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR}
			${PROJECT_BINARY_DIR}/src/CMakeFiles/pmemset_objects.dir)
	set_tests_properties(static_symbols_test PROPERTIES LABELS "packaging"
		ENVIRONMENT "PMEMSET_TEST_DIR=${PMEMSET_TEST_DIR}" TIMEOUT 120)
endif()

# the Debian packages: built, checked by lintian and (as root) installed
# into this machine, used and purged (tests/packaging/deb_test.sh). Alone
# (RUN_SERIAL): while libpmemset is installed in /usr nothing else runs.
# Plain builds only: sanitizer or valgrind builds package nothing useful.
if(NOT PMEMSET_ASAN AND NOT PMEMSET_TSAN AND NOT PMEMSET_COVERAGE AND
		NOT PMEMSET_TEST_WRAPPER)
	add_test(NAME deb_test
		COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/packaging/deb_test.sh
			${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR})
	set_tests_properties(deb_test PROPERTIES LABELS "package"
		ENVIRONMENT "PMEMSET_TEST_DIR=${PMEMSET_TEST_DIR};EXPECT_MAN=${expect_man}"
		RUN_SERIAL ON SKIP_RETURN_CODE 77 TIMEOUT 1800)
endif()
