file(REMOVE_RECURSE
  "libpmemset_test_util.a"
)
