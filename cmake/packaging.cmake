# SPDX-License-Identifier: BSD-3-Clause
#
# Installation layout and Debian packages (cpack -G DEB).
#
# Included before the subdirectories so that every install() rule without
# a COMPONENT lands in the development package: only the shared library,
# pmemset-stat and its page (runtime), and pmemset-bench (tools) name theirs.
# Debian's split:
#   libpmemset<major>  runtime: libpmemset.so.<major>, pmemset-stat
#   libpmemset-dev     dev: headers, the .so link, libpmemset.a, the .pc file,
#                      the CMake package, man pages 3 and 7
#   libpmemset-tools   tools: pmemset-bench
# Build them from a build configured with -DCMAKE_INSTALL_PREFIX=/usr (which
# gives Debian's lib/<multiarch>; lintian warns about plain lib/) with
#   cpack --config <build>/CPackConfig.cmake -G DEB
# tests/packaging/deb_test.sh checks them with lintian and installs them.

set(CMAKE_INSTALL_DEFAULT_COMPONENT_NAME dev)
# installed directories get 0755 whatever the umask of who installs
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
	OWNER_READ OWNER_WRITE OWNER_EXECUTE
	GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

# installed programs find the library installed beside them, from any prefix;
# the library itself carries no RPATH
set(PMEMSET_TOOL_INSTALL_RPATH "\$ORIGIN/../${CMAKE_INSTALL_LIBDIR}")

set(PMEMSET_DEB_RUNTIME libpmemset${PROJECT_VERSION_MAJOR})
set(PMEMSET_DEB_VERSION ${PROJECT_VERSION})
set(PMEMSET_DEB_RELEASE 1)
set(PMEMSET_DEB_FULL_VERSION ${PMEMSET_DEB_VERSION}-${PMEMSET_DEB_RELEASE})
set(PMEMSET_DEB_MAINTAINER "libpmemset authors <libpmemset@pmem.invalid>"
	CACHE STRING "Maintainer field of the Debian packages")
# What building against libpmemset needs beyond the library itself: the
# -dev packages of everything libpmemset.pc lists in Requires and
# Requires.private (pkg-config reads both) and of what the static library
# needs. Runtime dependencies are computed by dpkg-shlibdeps instead.
set(PMEMSET_DEB_DEV_DEPENDS libpmem2-dev)

set(CPACK_PACKAGE_NAME libpmemset)
set(CPACK_PACKAGE_VENDOR "the libpmemset authors")
set(CPACK_PACKAGE_CONTACT "${PMEMSET_DEB_MAINTAINER}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime dev)
if(PMEMSET_BENCH AND EXISTS ${PROJECT_SOURCE_DIR}/bench/CMakeLists.txt)
	list(APPEND CPACK_COMPONENTS_ALL tools)
endif()
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_VERSION ${PMEMSET_DEB_VERSION})
set(CPACK_DEBIAN_PACKAGE_RELEASE ${PMEMSET_DEB_RELEASE})
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME ${PMEMSET_DEB_RUNTIME})
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
# the shlibs file tells dpkg-shlibdeps of programs using libpmemset which
# package provides libpmemset.so.<major>, from this version on
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION
"persistent-memory mappings grouped into sets (shared library)
libpmemset groups many persistent-memory mappings (parts) into one set on
top of PMDK's libpmem2: it maps files into the set, finds mappings by
address, writes and persists through the set, and reports every event.

This package contains the shared library and pmemset-stat, which prints
the observer tree of libpmemset files.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libpmemset-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_SHLIBDEPS OFF)
list(JOIN PMEMSET_DEB_DEV_DEPENDS ", " dev_depends)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
	"${PMEMSET_DEB_RUNTIME} (= ${PMEMSET_DEB_FULL_VERSION}), ${dev_depends}")
set(CPACK_DEBIAN_DEV_DESCRIPTION
"persistent-memory mappings grouped into sets (development files)
libpmemset groups many persistent-memory mappings (parts) into one set on
top of PMDK's libpmem2.

This package contains the headers, the static library, the pkg-config
file, the CMake package and the manual pages of the API.")

set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME libpmemset-tools)
set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION utils)
# dpkg-shlibdeps finds libpmemset.so.<major> in the build tree (src/ is
# built below this file's includer) but cannot name its package, which is
# not installed yet: that dependency is written here
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${PROJECT_BINARY_DIR}/src)
set(CPACK_DEBIAN_TOOLS_PACKAGE_DEPENDS
	"${PMEMSET_DEB_RUNTIME} (= ${PMEMSET_DEB_FULL_VERSION})")
set(CPACK_DEBIAN_TOOLS_DESCRIPTION
"persistent-memory mappings grouped into sets (benchmark)
libpmemset groups many persistent-memory mappings (parts) into one set on
top of PMDK's libpmem2.

This package contains pmemset-bench, which measures libpmemset against
raw libpmem2 side by side in one process.")

# the runtime package's control files: ldconfig runs from a trigger, and
# these maintainer scripts replace CPack's, which would call it directly
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA)
foreach(control triggers postinst postrm)
	configure_file(${CMAKE_CURRENT_LIST_DIR}/debian/runtime.${control}
		${PROJECT_BINARY_DIR}/debian/runtime/${control} COPYONLY)
	list(APPEND CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA
		${PROJECT_BINARY_DIR}/debian/runtime/${control})
endforeach()
# what dh_installman and dh_strip would do: compressed manual pages,
# static library without debugging sections
set(CPACK_PRE_BUILD_SCRIPTS ${CMAKE_CURRENT_LIST_DIR}/debian/prebuild.cmake)
set(CPACK_PMEMSET_STRIP ${CMAKE_STRIP})

# Debian's files for each package: copyright, changelog, lintian overrides.
# EXCLUDE_FROM_ALL: only cpack (which names the component) installs them,
# a plain "cmake --install" does not.
set(deb_dir ${PROJECT_BINARY_DIR}/debian)
configure_file(${CMAKE_CURRENT_LIST_DIR}/debian/changelog.in
	${deb_dir}/changelog @ONLY)
execute_process(COMMAND gzip -9nc ${deb_dir}/changelog
	OUTPUT_FILE ${deb_dir}/changelog.Debian.gz
	RESULT_VARIABLE gzip_failed)
if(gzip_failed)
	message(FATAL_ERROR "gzip could not compress ${deb_dir}/changelog")
endif()
foreach(component ${CPACK_COMPONENTS_ALL})
	string(TOUPPER ${component} upper)
	set(package ${CPACK_DEBIAN_${upper}_PACKAGE_NAME})
	install(FILES ${CMAKE_CURRENT_LIST_DIR}/debian/copyright
			${deb_dir}/changelog.Debian.gz
		DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${package}
		PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
		COMPONENT ${component} EXCLUDE_FROM_ALL)
	set(overrides ${CMAKE_CURRENT_LIST_DIR}/debian/${component}.lintian-overrides)
	if(EXISTS ${overrides})
		install(FILES ${overrides}
			DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides
			RENAME ${package}
			PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
			COMPONENT ${component} EXCLUDE_FROM_ALL)
	endif()
endforeach()

include(CPack)
