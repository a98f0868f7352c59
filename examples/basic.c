// SPDX-License-Identifier: BSD-3-Clause
/*
 * basic.c -- map one file as three parts of a set, walk the part maps,
 * write into each part and persist it.
 *
 * usage: basic [file]   (default: a scratch file in $PMEMSET_TEST_DIR or /tmp)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpmemset.h>

#define KIB ((size_t)1024)

static int
fail(const char *what)
{
	pmemset_perror("%s", what);
	return 1;
}

int
main(int argc, char *argv[])
{
	char path[4096];
	const char *dir = getenv("PMEMSET_TEST_DIR");
	if (argc > 1)
		snprintf(path, sizeof(path), "%s", argv[1]);
	else
		snprintf(path, sizeof(path), "%s/pmemset-basic-%d",
				dir ? dir : "/tmp", (int)getpid());

	struct pmemset_source *src;
	if (pmemset_xsource_from_file(&src, path,
			PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED))
		return fail("opening the file");

	struct pmemset_config *cfg;
	struct pmemset *set;
	if (pmemset_config_new(&cfg) ||
	    pmemset_config_set_required_store_granularity(cfg,
			PMEM2_GRANULARITY_PAGE) ||
	    pmemset_new(&set, cfg))
		return fail("creating the set");
	pmemset_config_delete(&cfg);

	/* three 128 KiB parts at file offsets 0, 64 KiB and 128 KiB */
	struct pmemset_map_config *map_cfg;
	if (pmemset_map_config_new(&map_cfg))
		return fail("preparing the map");
	pmemset_map_config_set_length(map_cfg, 128 * KIB);
	for (size_t off = 0; off <= 128 * KIB; off += 64 * KIB) {
		struct pmemset_part_descriptor desc;
		if (pmemset_map_config_set_offset(map_cfg, off) ||
		    pmemset_map(set, src, map_cfg, &desc))
			return fail("mapping");
		printf("mapped file offset %3zu KiB at %p (%zu KiB)\n",
				off / KIB, desc.addr, desc.size / KIB);
	}
	pmemset_map_config_delete(&map_cfg);

	/* walk the part maps in address order and write into each */
	int n = 0;
	struct pmemset_part_map *pmap, *next;
	pmemset_first_part_map(set, &pmap);
	while (pmap != NULL) {
		struct pmemset_part_descriptor d = pmemset_descriptor_part_map(pmap);
		char msg[64];
		int len = snprintf(msg, sizeof(msg), "hello from part map %d", n);
		pmemset_memcpy(set, d.addr, msg, (size_t)len + 1, 0);
		if (pmemset_persist(set, d.addr, (size_t)len + 1))
			return fail("persisting");
		printf("part map %d: %zu KiB at %p says \"%s\"\n", n,
				d.size / KIB, d.addr, (char *)d.addr);
		n++;
		pmemset_next_part_map(set, pmap, &next);
		pmemset_part_map_drop(&pmap);
		pmap = next;
	}
	printf("%d part maps\n", n);

	if (pmemset_delete(&set) || pmemset_source_delete(&src))
		return fail("cleaning up");
	if (argc <= 1)
		unlink(path);
	return 0;
}
