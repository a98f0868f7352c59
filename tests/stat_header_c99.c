// SPDX-License-Identifier: BSD-3-Clause
/*
 * stat_header_c99.c -- libpmemset/stat.h compiled as strict C99
 * (-std=c99 -pedantic-errors, see tests/stat.cmake), on its own, and used.
 */
#include <libpmemset/stat.h>

int stat_header_c99(void);

int
stat_header_c99(void)
{
	struct pmemset_stat *h = NULL;
	struct pmemset_stat_map *root = NULL;
	struct pmemset_stat_nv nv;
	if (pmemset_stat_open(&h, NULL, NULL, 0) != PMEMSET_STAT_S_OK)
		return 1;
	if (pmemset_stat_update(h) != PMEMSET_STAT_S_OK ||
	    pmemset_stat_root(h, &root) != PMEMSET_STAT_S_OK ||
	    pmemset_stat_map_get(root, "version", &nv) != PMEMSET_STAT_S_OK ||
	    nv.type != PMEMSET_STAT_TYPE_STRING)
		return 2;
	if (pmemset_stat_close(&h) != PMEMSET_STAT_S_OK || h != NULL)
		return 3;
	return 0;
}
