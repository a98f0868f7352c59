/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pmem_env.h -- what the tests of real (or emulated) persistent memory
 * share: where the DAX file system and the Device DAX device are, what the
 * kernel says about them, and what libpmem2 gives a mapping of them.
 *
 * PMEMSET_PMEM_DIR is a directory on a file system mounted with -o dax,
 * PMEMSET_DEVDAX a Device DAX character device (scripts/pmem-vm.sh sets
 * both in its guest). Without them a test has nothing to run on: it skips,
 * saying so, unless PMEMSET_TEST_REQUIRE_PMEM=1 (the pmem configuration of
 * scripts/run-tests.sh), where a missing one is a failure.
 */
#ifndef PMEMSET_PMEM_ENV_H
#define PMEMSET_PMEM_ENV_H

#include <stdbool.h>
#include <stddef.h>

#include <libpmem2.h>

/* the exit status ctest counts as "skipped" (SKIP_RETURN_CODE) */
#define PMEM_ENV_SKIP 77

/*
 * The value of the variable `name` (PMEMSET_PMEM_DIR, PMEMSET_DEVDAX), or
 * NULL after printing why the program skips (why it fails, when
 * PMEMSET_TEST_REQUIRE_PMEM=1: then *required is set). Call from main.
 */
const char *pmem_env_get(const char *name, const char *what, bool *required);

/* the sysfs directory of the NVDIMM region that holds path (a file on a
 * DAX file system, or a Device DAX device); false if there is none */
bool pmem_env_region_dir(const char *path, char *dir, size_t len);

/* the granularity the region's persistence domain promises: BYTE when it
 * is the CPU cache, CACHE_LINE otherwise (libpmem2's rule) */
enum pmem2_granularity pmem_env_region_granularity(const char *region_dir);

/* the store granularity libpmem2 gives a mapping of a file in dir */
enum pmem2_granularity pmem_env_dir_granularity(const char *dir);

/* "VmFlags" of the mapping holding addr in /proc/self/smaps; false if none */
bool pmem_env_vma_flags(const void *addr, char *flags, size_t len);

/* does the VmFlags line hold the two-letter flag (e.g. "sf": MAP_SYNC)? */
bool pmem_env_has_vma_flag(const char *flags, const char *flag);

#endif
