#----------------------------------------------------------------
# Generated CMake target import file for configuration "RelWithDebInfo".
#----------------------------------------------------------------

# Commands may need to know the format version.
set(CMAKE_IMPORT_FILE_VERSION 1)

# Import target "pmemset::pmemset" for configuration "RelWithDebInfo"
set_property(TARGET pmemset::pmemset APPEND PROPERTY IMPORTED_CONFIGURATIONS RELWITHDEBINFO)
set_target_properties(pmemset::pmemset PROPERTIES
  IMPORTED_LOCATION_RELWITHDEBINFO "${_IMPORT_PREFIX}/lib/libpmemset.so.1.0.0"
  IMPORTED_SONAME_RELWITHDEBINFO "libpmemset.so.1"
  )

list(APPEND _cmake_import_check_targets pmemset::pmemset )
list(APPEND _cmake_import_check_files_for_pmemset::pmemset "${_IMPORT_PREFIX}/lib/libpmemset.so.1.0.0" )

# Commands beyond this point should not need to know the version.
set(CMAKE_IMPORT_FILE_VERSION)
