# SPDX-License-Identifier: BSD-3-Clause
#
# What libpmemset(7) ENVIRONMENT and SECURITY.md promise, label "security":
#  log_env_test                PMEMSET_LOG_LEVEL / PMEMSET_LOG_FILE: mode 0600,
#                              O_NOFOLLOW, one warning for a bad level or
#                              file, escaped control characters
#  security_no_plain_getenv    src/ reads the environment only via env_get
#  security_setuid_env         setuid/setgid copies of a program run by
#                              nobody ignore PMEMSET_LOG_* (root only: skips
#                              otherwise)
pmemset_add_test(log_env_test SOURCES log_env_test.c LABELS security)

find_program(BASH_EXECUTABLE bash)
if(NOT BASH_EXECUTABLE)
	message(WARNING "bash not found: the security scripts are not run")
	return()
endif()

add_test(NAME security_no_plain_getenv
	COMMAND ${BASH_EXECUTABLE}
		${CMAKE_CURRENT_SOURCE_DIR}/security/no_plain_getenv.sh
		${PROJECT_SOURCE_DIR}/src)
set_tests_properties(security_no_plain_getenv PROPERTIES
	LABELS security TIMEOUT 60)

# linked with our objects, not the shared library: a setuid program
# ignores LD_LIBRARY_PATH, and this needs no RPATH
add_executable(security_env_probe security/env_probe.c)
target_link_libraries(security_env_probe PRIVATE pmemset_objects
	Threads::Threads)
add_test(NAME security_setuid_env
	COMMAND ${BASH_EXECUTABLE}
		${CMAKE_CURRENT_SOURCE_DIR}/security/setuid_env_test.sh
		$<TARGET_FILE:security_env_probe> ${CMAKE_CURRENT_BINARY_DIR})
set_tests_properties(security_setuid_env PROPERTIES
	LABELS security SKIP_RETURN_CODE 77 TIMEOUT 120)
