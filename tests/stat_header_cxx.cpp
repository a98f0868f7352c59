// SPDX-License-Identifier: BSD-3-Clause
/*
 * stat_header_cxx.cpp -- libpmemset/stat.h compiled as C++ (with the C
 * header beside it) and used, plus the C99 half in stat_header_c99.c.
 */
#include <cstdio>
#include <cstring>

#include <libpmemset.h>
#include <libpmemset/stat.h>

extern "C" int stat_header_c99(void);

static int Added;

static void
on_tree(struct pmemset_stat_map *, struct pmemset_stat_map *,
		enum pmemset_stat_tree_event event)
{
	if (event == PMEMSET_STAT_TREE_ADD)
		Added++;
}

int
main()
{
	int ret = stat_header_c99();
	if (ret != 0) {
		std::fprintf(stderr, "C99 half failed: %d: %s\n", ret,
			pmemset_errormsg());
		return 1;
	}
	struct pmemset_config *cfg;
	struct pmemset *set;
	if (pmemset_config_new(&cfg) ||
	    pmemset_config_set_required_store_granularity(cfg,
			PMEM2_GRANULARITY_PAGE) ||
	    pmemset_new(&set, cfg))
		return 2;
	pmemset_config_delete(&cfg);
	struct pmemset_stat *h;
	struct pmemset_stat_map *root;
	pmemset_stat_matcher m = {PMEMSET_STAT_MATCH_GLOB, "/pmemset/set/*"};
	if (pmemset_stat_open(&h, set, &m, 1) != PMEMSET_STAT_S_OK ||
	    pmemset_stat_root(h, &root) != PMEMSET_STAT_S_OK ||
	    pmemset_stat_map_set_tree_cb(root, on_tree) != PMEMSET_STAT_S_OK ||
	    pmemset_stat_update(h) != PMEMSET_STAT_S_OK)
		return 3;
	if (Added != 1) {
		std::fprintf(stderr, "%d maps added, expected 1\n", Added);
		return 4;
	}
	if (std::strcmp(pmemset_stat_status_string(PMEMSET_STAT_S_DEL_MAP),
			"the map has been removed") != 0)
		return 5;
	pmemset_stat_close(&h);
	pmemset_delete(&set);
	std::printf("stat.h compiles as C99 and C++ and works from both\n");
	return 0;
}
