file(REMOVE_RECURSE
  "libpmemset.a"
  "libpmemset.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/pmemset_static.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
