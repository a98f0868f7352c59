# SPDX-License-Identifier: BSD-3-Clause
# Tests of persistent memory itself, nothing faked: a DAX file system
# ($PMEMSET_PMEM_DIR) and a Device DAX device ($PMEMSET_DEVDAX). Without
# them they exit 77 (skipped), saying why; scripts/pmem-vm.sh provides both
# in a guest with an emulated NVDIMM, and the `pmem` configuration of
# scripts/run-tests.sh runs label "pmem" there (tests/README.md).
pmemset_add_test(dax_test SOURCES dax_test.c LABELS pmem)
pmemset_add_test(devdax_test SOURCES devdax_test.c LABELS pmem)
set_tests_properties(dax_test devdax_test PROPERTIES SKIP_RETURN_CODE 77)
