file(REMOVE_RECURSE
  "CMakeFiles/pmemset_test_util.dir/common/test_util.c.o"
  "CMakeFiles/pmemset_test_util.dir/common/test_util.c.o.d"
  "libpmemset_test_util.a"
  "libpmemset_test_util.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/pmemset_test_util.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
