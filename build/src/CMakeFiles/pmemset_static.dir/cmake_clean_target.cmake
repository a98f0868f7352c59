file(REMOVE_RECURSE
  "libpmemset.a"
)
