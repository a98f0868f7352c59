
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/src/alloc.c" "src/CMakeFiles/pmemset_objects.dir/alloc.c.o" "gcc" "src/CMakeFiles/pmemset_objects.dir/alloc.c.o.d"
  "/work/main/src/badblock.c" "src/CMakeFiles/pmemset_objects.dir/badblock.c.o" "gcc" "src/CMakeFiles/pmemset_objects.dir/badblock.c.o.d"
  "/work/main/src/config.c" "src/CMakeFiles/pmemset_objects.dir/config.c.o" "gcc" "src/CMakeFiles/pmemset_objects.dir/config.c.o.d"
  "/work/main/src/core_view.c" "src/CMakeFiles/pmemset_objects.dir/core_view.c.o" "gcc" "src/CMakeFiles/pmemset_objects.dir/core_view.c.o.d"
  "/work/main/src/data.c" "src/CMakeFiles/pmemset_objects.dir/data.c.o" "gcc" "src/CMakeFiles/pmemset_objects.dir/data.c.o.d"
  "/work/main/src/error.c" "src/CMakeFiles/pmemset_objects.dir/error.c.o" "gcc" "src/CMakeFiles/pmemset_objects.dir/error.c.o.d"
  "/work/main/src/event.c" "src/CMakeFiles/pmemset_objects.dir/event.c.o" "gcc" "src/CMakeFiles/pmemset_objects.dir/event.c.o.d"
  "/work/main/src/log.c" "src/CMakeFiles/pmemset_objects.dir/log.c.o" "gcc" "src/CMakeFiles/pmemset_objects.dir/log.c.o.d"
  "/work/main/src/map.c" "src/CMakeFiles/pmemset_objects.dir/map.c.o" "gcc" "src/CMakeFiles/pmemset_objects.dir/map.c.o.d"
  "/work/main/src/map_config.c" "src/CMakeFiles/pmemset_objects.dir/map_config.c.o" "gcc" "src/CMakeFiles/pmemset_objects.dir/map_config.c.o.d"
  "/work/main/src/part_index.c" "src/CMakeFiles/pmemset_objects.dir/part_index.c.o" "gcc" "src/CMakeFiles/pmemset_objects.dir/part_index.c.o.d"
  "/work/main/src/part_map.c" "src/CMakeFiles/pmemset_objects.dir/part_map.c.o" "gcc" "src/CMakeFiles/pmemset_objects.dir/part_map.c.o.d"
  "/work/main/src/registry.c" "src/CMakeFiles/pmemset_objects.dir/registry.c.o" "gcc" "src/CMakeFiles/pmemset_objects.dir/registry.c.o.d"
  "/work/main/src/remove.c" "src/CMakeFiles/pmemset_objects.dir/remove.c.o" "gcc" "src/CMakeFiles/pmemset_objects.dir/remove.c.o.d"
  "/work/main/src/reservation.c" "src/CMakeFiles/pmemset_objects.dir/reservation.c.o" "gcc" "src/CMakeFiles/pmemset_objects.dir/reservation.c.o.d"
  "/work/main/src/sds.c" "src/CMakeFiles/pmemset_objects.dir/sds.c.o" "gcc" "src/CMakeFiles/pmemset_objects.dir/sds.c.o.d"
  "/work/main/src/set.c" "src/CMakeFiles/pmemset_objects.dir/set.c.o" "gcc" "src/CMakeFiles/pmemset_objects.dir/set.c.o.d"
  "/work/main/src/source.c" "src/CMakeFiles/pmemset_objects.dir/source.c.o" "gcc" "src/CMakeFiles/pmemset_objects.dir/source.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
