// SPDX-License-Identifier: BSD-3-Clause
/*
 * outside.c -- a program built against the installed library only (through
 * pkg-config or find_package): it maps a temporary file and writes to it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpmemset.h>

int
main(void)
{
	const char *dir = getenv("PMEMSET_TEST_DIR");
	struct pmemset_config *cfg;
	struct pmemset *set;
	struct pmemset_source *src;
	struct pmemset_map_config *mc;
	struct pmemset_part_descriptor d;
	if (pmemset_config_new(&cfg) ||
	    pmemset_config_set_required_store_granularity(cfg,
			PMEM2_GRANULARITY_PAGE) ||
	    pmemset_new(&set, cfg) ||
	    pmemset_source_from_temporary(&src, dir ? dir : "/tmp") ||
	    pmemset_map_config_new(&mc)) {
		pmemset_perror("outside");
		return 1;
	}
	pmemset_map_config_set_length(mc, 64 * 1024);
	if (pmemset_map(set, src, mc, &d)) {
		pmemset_perror("mapping");
		return 1;
	}
	strcpy(d.addr, "written from outside");
	pmemset_persist(set, d.addr, 32);
	printf("outside program: %s (%zu bytes mapped)\n", (char *)d.addr,
			d.size);
	pmemset_map_config_delete(&mc);
	pmemset_delete(&set);
	pmemset_source_delete(&src);
	pmemset_config_delete(&cfg);
	return 0;
}
