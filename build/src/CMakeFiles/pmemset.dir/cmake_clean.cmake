file(REMOVE_RECURSE
  "libpmemset.pdb"
  "libpmemset.so"
  "libpmemset.so.1"
  "libpmemset.so.1.0.0"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/pmemset.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
