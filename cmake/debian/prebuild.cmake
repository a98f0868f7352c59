# SPDX-License-Identifier: BSD-3-Clause
#
# Run by cpack (CPACK_PRE_BUILD_SCRIPTS) on the staged files, before each
# Debian package is made: what dh_installman and dh_strip would do.
#  - manual pages are compressed (gzip -9n: no name or time, reproducible)
#  - static libraries lose their debugging sections (strip --strip-debug;
#    CPACK_STRIP_FILES strips only programs and shared libraries)
file(GLOB_RECURSE pages LIST_DIRECTORIES false
	"${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*.[1-8]")
list(FILTER pages INCLUDE REGEX "/share/man/man[1-8]/[^/]+\\.[1-8]$")
foreach(page IN LISTS pages)
	execute_process(COMMAND gzip -9nf "${page}" RESULT_VARIABLE failed)
	if(failed)
		message(FATAL_ERROR "gzip ${page} failed")
	endif()
endforeach()
file(GLOB_RECURSE archives LIST_DIRECTORIES false
	"${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*.a")
foreach(archive IN LISTS archives)
	execute_process(COMMAND "${CPACK_PMEMSET_STRIP}" --strip-debug
			--enable-deterministic-archives "${archive}"
		RESULT_VARIABLE failed)
	if(failed)
		message(FATAL_ERROR "strip ${archive} failed")
	endif()
endforeach()
